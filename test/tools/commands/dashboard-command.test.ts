import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dash-from-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('ops dashboard --from DIR', () => {
  it('points a CSV that is malformed or missing there at an export into that folder', async () => {
    await writeFile(path.join(dir, 'monthly_revenue.csv'), 'a,b\n');

    const failure = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'tools/ops.ts', 'dashboard', '--from', dir, '--out', path.join(dir, 'out')],
      { cwd: root },
    ).catch((e: { code: number; stderr: string }) => e);

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(
      new RegExp(
        `^(.*\\n)?error \\[DASHBOARD_BAD_OUTPUT\\]: monthly_revenue\\.csv: header is "a,b".*\\n  hint: run \`npx ops export-outputs --out ${dir}\` first`,
      ),
    );
  });
});
