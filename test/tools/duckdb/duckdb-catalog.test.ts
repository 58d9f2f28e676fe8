import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsError } from '../../../contracts/ops-error.js';
import { crawlDuckDb } from '../../../tools/duckdb/duckdb-catalog.js';
import { openDuckDbEngine } from '../../../tools/duckdb/duckdb-engine.js';
import { warehousePath } from '../../../tools/duckdb/warehouse.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { targetFor } from '../../../tools/targets/registry.js';

const spec = (from: string, months: number) => ({ from, months, ordersPerMonth: 200, seed: 3, force: false });

describe('crawlDuckDb', () => {
  let lake: string;
  beforeAll(async () => {
    lake = await mkdtemp(path.join(os.tmpdir(), 'crawl-'));
  });
  afterAll(() => rm(lake, { recursive: true, force: true }));

  it('refuses a lake without Parquet, and says to run the ETL', async () => {
    const error = await crawlDuckDb({ lake }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpsError);
    expect(error).toMatchObject({ code: 'NO_FACT_DATA', hint: expect.stringMatching(/ops etl/) });
  });

  it('registers both fact tables with their partitions and row counts', async () => {
    await generateDataset({ lake, ...spec('2025-01', 1) });
    await runLocalEtl({ lake });

    const result = await crawlDuckDb({ lake });

    expect(result.tables.map((t) => [t.name, t.partitions, t.files])).toEqual([
      ['fact_orders', ['2025-01'], 1],
      ['fact_order_items', ['2025-01'], 1],
    ]);
    expect(result.tables.every((t) => t.rows > 0)).toBe(true);
  });

  it('types the partition columns as strings, as Glue does', async () => {
    const engine = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
    try {
      const [row] = await engine.query(
        'SELECT typeof(order_year) AS y, typeof(order_month) AS m, order_month FROM fact_order_items LIMIT 1',
      );
      expect(row).toEqual({ y: 'VARCHAR', m: 'VARCHAR', order_month: '01' });
    } finally {
      await engine.close();
    }
  });

  it('shows a new month after the next crawl', async () => {
    await generateDataset({ lake, ...spec('2025-02', 1) });
    await runLocalEtl({ lake });

    const result = await crawlDuckDb({ lake });

    expect(result.tables.map((t) => t.partitions)).toEqual([
      ['2025-01', '2025-02'],
      ['2025-01', '2025-02'],
    ]);
  });

  it("lists every fact file in fact_files with its folders' month; folders that name no month give NULL", async () => {
    const good = path.join(lake, 'processed/store_sales/fact_orders/order_year=2025/order_month=02');
    const stray = path.join(lake, 'processed/store_sales/fact_orders/order_year=2025/order_month=13');
    await mkdir(stray, { recursive: true });
    await copyFile(path.join(good, 'part-orders_2025_02.parquet'), path.join(stray, 'part-stray.parquet'));
    const engine = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
    try {
      const rows = await engine.query(
        "SELECT table_name, strftime(month, '%Y-%m') AS month, regexp_extract(file, '[^/]+$') AS name FROM fact_files ORDER BY ALL",
      );
      expect(rows).toEqual([
        { table_name: 'fact_order_items', month: '2025-01', name: 'part-orders_2025_01.parquet' },
        { table_name: 'fact_order_items', month: '2025-02', name: 'part-orders_2025_02.parquet' },
        { table_name: 'fact_orders', month: '2025-01', name: 'part-orders_2025_01.parquet' },
        { table_name: 'fact_orders', month: '2025-02', name: 'part-orders_2025_02.parquet' },
        { table_name: 'fact_orders', month: null, name: 'part-stray.parquet' },
      ]);
    } finally {
      await engine.close();
      await rm(stray, { recursive: true });
    }
  });

  it('fails on a file that is not Parquet, naming it, and points to the ETL', async () => {
    const dir = path.join(lake, 'processed/store_sales/fact_orders/order_year=2025/order_month=03');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'part-broken.parquet'), 'not parquet');

    const error = await crawlDuckDb({ lake }).catch((e: unknown) => e);
    await rm(dir, { recursive: true });

    expect(error).toMatchObject({ code: 'CRAWL_FAILED', hint: expect.stringMatching(/ops etl/) });
    expect((error as OpsError).message).toMatch(/part-broken\.parquet/);
  });

  it.each([
    ['a missing column', 'SELECT * EXCLUDE (units)', /missing \[units INTEGER\], unexpected \[\]/],
    ['an extra column', 'SELECT *, 1 AS bonus', /missing \[\], unexpected \[bonus INTEGER\]/],
    [
      'a retyped column',
      'SELECT * REPLACE (units::BIGINT AS units)',
      /missing \[units INTEGER\], unexpected \[units BIGINT\]/,
    ],
  ])('fails on a Parquet file with %s, naming the file and the difference', async (_, select, diff) => {
    const folder = path.join(lake, 'processed/store_sales/fact_orders/order_year=2025/order_month=01');
    const good = path.join(folder, 'part-orders_2025_01.parquet');
    const bad = path.join(folder, 'part-drifted.parquet');
    const engine = await openDuckDbEngine(':memory:');
    await engine.exec(
      `COPY (${select} FROM read_parquet('${good}', hive_partitioning = false)) TO '${bad}' (FORMAT parquet)`,
    );
    await engine.close();

    const error = await crawlDuckDb({ lake }).catch((e: unknown) => e);
    await rm(bad);

    expect(error).toMatchObject({ code: 'CRAWL_FAILED' });
    expect((error as OpsError).message).toMatch(
      /part-drifted\.parquet does not match the fact_orders contract/,
    );
    expect((error as OpsError).message).toMatch(diff);
  });

  it("brings quarantine_records up to the quarantine folder before dbt builds (the local target's configure)", async () => {
    const folder = path.join(lake, 'quarantine/store_sales');
    await rm(folder, { recursive: true, force: true });
    await crawlDuckDb({ lake });
    const quarantined = async () => {
      const engine = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
      try {
        return (await engine.query('SELECT source_key, reason FROM quarantine_records')).map((r) => r.reason);
      } finally {
        await engine.close();
      }
    };
    const configure = () => targetFor('local').dbt.configure({ lake, target: 'local' });
    expect(await quarantined()).toEqual([]);

    // an ETL run after the crawl writes the first quarantine file: the crawl's view misses it
    await mkdir(folder, { recursive: true });
    const record = {
      source_key: 'raw/store_sales/orders_2025_02.json',
      line_number: 3,
      reason: 'invalid_json',
      message: 'x',
    };
    await writeFile(path.join(folder, 'orders_2025_02.jsonl'), `${JSON.stringify(record)}\n`);
    expect(await quarantined()).toEqual([]);
    await configure();
    expect(await quarantined()).toEqual(['invalid_json']);

    // the next run removes the last one: the view's glob now matches nothing
    await rm(path.join(folder, 'orders_2025_02.jsonl'));
    await expect(quarantined()).rejects.toThrow(/No files found/);
    await configure();
    expect(await quarantined()).toEqual([]);
  });
});
