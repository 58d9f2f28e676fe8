import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DBT_PROJECT_DIR } from '../../tools/engines/dbt-runner.js';
import { venvBin } from '../../tools/scripts/ensure-python.js';
import { buildLake } from './dbt-lake.js';

// The by-hand commands the README gives, run as a user would: no STORE_SALES_* variables, the
// real dbt/profiles.yml, and a copy of the repository layout (dbt/ beside lake/) so the default
// warehouse path `lake/warehouse.duckdb` is the one under test.
let repo: string;
let lake: string;
beforeAll(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'dbt-by-hand-'));
  await cp(DBT_PROJECT_DIR, path.join(repo, 'dbt'), {
    recursive: true,
    filter: (src) => !/[\\/](target|logs|dbt_packages)$/.test(src),
  });
  // linked, not moved: the catalog's fact views name their Parquet files by absolute path
  lake = await buildLake(100, 'dbt-by-hand-lake-');
  await symlink(lake, path.join(repo, 'lake'));
}, 120_000);
afterAll(async () => {
  for (const dir of [repo, lake]) if (dir) await rm(dir, { recursive: true, force: true });
});

function dbt(cwd: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' };
  delete env.STORE_SALES_WAREHOUSE;
  delete env.STORE_SALES_LAKE;
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(venvBin('dbt', 'dbt'), args, { cwd, env, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('dbt by hand', () => {
  it('`dbt build --project-dir dbt --profiles-dir dbt` passes from the repository root', async () => {
    const { code, out } = await dbt(repo, ['build', '--project-dir', 'dbt', '--profiles-dir', 'dbt']);
    expect(out).toMatch(/Completed successfully/);
    expect(code).toBe(0);
    // it opened the lake's warehouse, and created no other file beside it
    expect(out).not.toMatch(/Cannot open file/);
    expect((await readdir(repo)).sort()).toEqual(['dbt', 'lake']);
  }, 300_000);

  it('`dbt build` passes from dbt/ with no flags', async () => {
    const { code, out } = await dbt(path.join(repo, 'dbt'), ['build', '--select', 'mart_monthly_revenue']);
    expect(out).toMatch(/Completed successfully/);
    expect(code).toBe(0);
    expect((await readdir(path.join(repo, 'dbt'))).filter((f) => f.endsWith('.duckdb'))).toEqual([]);
  }, 300_000);
});
