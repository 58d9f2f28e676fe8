import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKOV_SKIPS } from '../../stacks/checkov/skips.js';
import { type CheckovReport, runCheckov, scanStacks } from '../../tools/checkov/scan.js';
import { type Synthesized, synthStacks } from './synth-fixture.js';

let synth: Synthesized;
let scan: CheckovReport;
let skippedOnly: CheckovReport;
beforeAll(async () => {
  synth = await synthStacks();
  const files = Object.values(synth.files);
  // Two checkov runs (~5 s each, mostly start-up) side by side on the two cores.
  [scan, skippedOnly] = await Promise.all([
    scanStacks(files),
    runCheckov(files, { only: Object.keys(CHECKOV_SKIPS) }),
  ]);
});
afterAll(() => synth?.cleanup());

describe('checkov on the synthesized Terraform JSON', () => {
  it('finds no failed check in either stage, with only the documented skips', () => {
    expect(scan.failed).toEqual([]);
    expect(scan.passed).toBeGreaterThan(100);
  });

  it('still fails every skipped check without its skip, so no skip is stale', () => {
    expect(new Set(skippedOnly.failed.map((f) => f.checkId))).toEqual(new Set(Object.keys(CHECKOV_SKIPS)));
  });

  it('gives every skip a reason', () => {
    for (const [id, reason] of Object.entries(CHECKOV_SKIPS)) {
      expect(id).toMatch(/^CKV2?_AWS_\d+$/);
      expect(reason.length, id).toBeGreaterThan(80);
    }
  });
});
