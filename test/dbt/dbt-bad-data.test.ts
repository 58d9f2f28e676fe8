import { copyFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LAKE } from '../../contracts/lake-layout.js';
import { runTransform } from '../../tools/commands/transform.js';
import { lakePath } from '../../tools/lib/lake-path.js';
import { buildLake } from './dbt-lake.js';

describe('dbt build on planted bad data', () => {
  let lake: string;

  beforeAll(async () => {
    lake = await buildLake(150, 'dbt-bad-lake-');
  });
  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('fails on a duplicated order row and names the unique test that caught it', async () => {
    // the same month's Parquet under a second name: every order of March appears twice
    const march = path.join(lakePath(lake, LAKE.factOrders), 'order_year=2025', 'order_month=03');
    const [file] = (await readdir(march)).filter((f) => f.endsWith('.parquet'));
    await copyFile(path.join(march, file!), path.join(march, `copy-${file}`));
    // dbt's output as the CLI shows it: no onLine, so the runner's default (quiet) applies
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);

    const run = runTransform({ target: 'local', lake, artifactsDir: path.join(lake, '.dbt') });

    await expect(run).rejects.toMatchObject({
      code: 'DBT_BUILD_FAILED',
      message: expect.stringMatching(/\bunique_stg_fact_orders_order_id \(fail\)/),
      hint: expect.stringContaining(path.join(lake, '.dbt', 'logs', 'dbt.log')),
    });
    vi.restoreAllMocks();
    const lines = stderr.join('').split('\n');
    // one progress line naming the log, then only dbt's failure report (not its ~95 progress lines)
    expect(lines[0]).toMatch(/^transform: dbt build --target local running; log: .*dbt\.log$/);
    expect(lines.some((l) => /Failure in test unique_stg_fact_orders_order_id/.test(l))).toBe(true);
    expect(lines.filter((l) => /\bSTART\b|\bOK created\b/.test(l))).toEqual([]);
  });
});
