import { copyFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LAKE } from '../../contracts/lake-layout.js';
import { runTransform } from '../../tools/commands/transform.js';
import { lakePath } from '../../tools/lib/lake-path.js';
import { buildLake } from './dbt-lake.js';

/** The one Parquet file of a fact table's month. */
async function monthFile(lake: string, table: string, month: string): Promise<string> {
  const dir = path.join(lakePath(lake, table), 'order_year=2025', `order_month=${month}`);
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.parquet'));
  return path.join(dir, file!);
}

describe('dbt build on planted bad data', () => {
  let lake: string;
  let linesLake: string;

  beforeAll(async () => {
    [lake, linesLake] = await Promise.all([
      buildLake(150, 'dbt-bad-lake-'),
      buildLake(150, 'dbt-bad-lines-'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([lake, linesLake].map((l) => rm(l, { recursive: true, force: true })));
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

  // The order-line key and order tests run in DuckDB's own form (macros/integrity_tests.sql).
  it('fails on duplicated order lines and on lines without their order, naming both tests', async () => {
    // March's lines twice (under a second name); April's lines without April's orders
    const marchLines = await monthFile(linesLake, LAKE.factOrderItems, '03');
    await copyFile(marchLines, path.join(path.dirname(marchLines), `copy-${path.basename(marchLines)}`));
    const aprilOrders = await monthFile(linesLake, LAKE.factOrders, '04');
    await rename(aprilOrders, `${aprilOrders}.away`);

    const run = runTransform({
      target: 'local',
      lake: linesLake,
      artifactsDir: path.join(linesLake, '.dbt'),
      onLine: () => {},
    });

    await expect(run).rejects.toMatchObject({ code: 'DBT_BUILD_FAILED' });
    const message = String(await run.catch((e: unknown) => (e as Error).message));
    expect(message).toMatch(/\bstg_fact_order_items_key_unique \(fail\)/);
    expect(message).toMatch(/\bstg_fact_order_items_order_exists_on_its_date \(fail\)/);
    // the orders alone are sound: the key test of fact_orders does not fail
    expect(message).not.toMatch(/\bunique_stg_fact_orders_order_id \(fail\)/);
  });
});
