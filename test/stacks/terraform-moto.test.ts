import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_NAMES, type Stage } from '../../stacks/config.js';
import { type MotoServer, REGION, startMoto } from '../aws/support/moto-server.js';
import { writeMotoOverride } from './support/moto-override.js';
import { offlineCliConfig, requireTerraform, Terraform } from './support/terraform-cli.js';
import { type Synthesized, synthStacks } from './synth-fixture.js';

// Terraform itself, offline, on both synthesized stacks: init from the machine's provider mirror,
// validate, then against moto from scratch: plan, one apply, a re-plan without changes, destroy.
// Both stacks run side by side on one moto (their names differ by stage).
let synth: Synthesized;
let moto: MotoServer;
const tf = {} as Record<Stage, Terraform>;
const both = <T>(step: (stage: Stage) => Promise<T>) => Promise.all(STAGE_NAMES.map(step));

beforeAll(async () => {
  requireTerraform();
  synth = await synthStacks();
  moto = await startMoto();
  const cliConfig = await offlineCliConfig(synth.outdir);
  for (const stage of STAGE_NAMES) {
    const dir = path.dirname(synth.files[stage]);
    await writeMotoOverride(dir, synth.stacks[stage], moto.url, REGION);
    tf[stage] = new Terraform(dir, cliConfig);
  }
}, 120_000);
afterAll(async () => {
  await moto?.stop();
  await synth?.cleanup();
});

describe('terraform on the synthesized stacks, against moto', () => {
  it('inits from the offline mirror and validates', async () => {
    await both((s) => tf[s].must(['init', '-input=false']));
    const results = await both((s) => tf[s].must(['validate']));
    for (const r of results) expect(r.stdout).toMatch(/The configuration is valid/);
  }, 120_000);

  it('plans every resource from scratch', async () => {
    const plans = await both((s) => tf[s].must(['plan', '-input=false', '-out=tfplan']));
    for (const p of plans) expect(p.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
  }, 180_000);

  it('applies in one go', async () => {
    const applies = await both((s) => tf[s].must(['apply', '-input=false', 'tfplan']));
    for (const a of applies) expect(a.stdout).toMatch(/Apply complete! Resources: \d+ added/);
  }, 600_000);

  it('shows no changes when planned again (no perpetual diff)', async () => {
    const replans = await both((s) => tf[s].exec('plan', '-input=false', '-detailed-exitcode'));
    for (const r of replans) expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 180_000);

  it('destroys everything it created', async () => {
    const destroys = await both((s) => tf[s].must(['destroy', '-input=false', '-auto-approve']));
    for (const d of destroys) expect(d.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/);
  }, 600_000);
});
