import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A whole `ops pipeline` as a newcomer's first run sees it, piped (as `npm start 2>&1 | wc -l`):
// one line per step and the summary, with the dataset flags passed through to generate.
const root = path.resolve(import.meta.dirname, '..', '..', '..');
let lake: string;
let run: { code: number; out: string };
beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'pipeline-output-'));
  const args = ['--import', 'tsx', 'tools/ops.ts', 'pipeline', '--lake', lake];
  args.push('--from', '2025-01', '--months', '2', '--orders-per-month', '0.2k', '--seed', '7');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED; // ops itself must switch it off
  run = await new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, env, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}, 600_000);
afterAll(() => rm(lake, { recursive: true, force: true }));

describe('ops pipeline, piped', () => {
  it('succeeds on the dataset its flags describe', async () => {
    expect(run.out).toMatch(/generate\s+2 file\(s\) written, 0 unchanged; [\d,]+ orders/);
    expect(run.code).toBe(0);
    expect(await readdir(path.join(lake, 'raw', 'store_sales'))).toEqual([
      'orders_2025_01.json',
      'orders_2025_02.json',
    ]);
  });

  it('prints a screenful: one line per step and the summary, no dbt log, no SDK notice', () => {
    const lines = run.out.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(25);
    expect(lines.filter((l) => /^\[\d\/7\] /.test(l))).toHaveLength(7);
    expect(run.out).not.toMatch(/dbt \||START sql|NodeVersionSupportWarning|orders \d+%|file \d+\/\d+/);
  });

  it('links no dbt docs from the dashboard, which it did not write, and says how to write them', async () => {
    const html = await readFile(path.join(lake, 'dashboard', 'index.html'), 'utf8');
    expect(html).not.toContain('data-docs-link');
    expect(html).toContain(`data-docs-hint>dbt docs: <code>npx ops docs --lake ${lake}</code>`);
  });
});
