import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsError } from '../../../contracts/ops-error.js';
import type { QuarantineRecord } from '../../../lambda/core/quarantine-writer.js';
import { createViewsOn } from '../../../tools/commands/create-views.js';
import { exportOutputsOn } from '../../../tools/commands/export-outputs.js';
import { crawlDuckDb } from '../../../tools/duckdb/duckdb-catalog.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { addMartsFromViews } from '../../sql/fact-fixture.js';

/**
 * The resent file, end to end on the local target: a copy of August saved under
 * September's name is quarantined at load, naming August's file, and every export stays what it
 * was without the copy. Then the original goes: its twin loads. Then a duplicated Parquet file
 * planted by hand: the export refuses and writes nothing.
 */
const AUG = 'raw/store_sales/orders_2025_08.json';
const RESENT = 'raw/store_sales/orders_2025_09.json';
let lake: string;
const csvDir = () => path.join(lake, 'analytics_outputs');

/**
 * etl, crawl, create-views, the marts (copied from the views, as dbt-build.test.ts proves them
 * equal), export-outputs; the seven CSVs' contents by file name.
 */
async function etlAndExport(): Promise<Record<string, string>> {
  await runLocalEtl({ lake });
  await crawlDuckDb({ lake });
  await createViewsOn({ target: 'local', lake });
  await addMartsFromViews(lake);
  await exportOutputsOn({ target: 'local', lake });
  return csvs();
}

/**
 * The metric exports: data_quality.csv counts the resent file's quarantined records (checked on
 * its own below) and run_metadata.json carries run times, so neither is part of "no change".
 */
async function csvs(): Promise<Record<string, string>> {
  const files = (await readdir(csvDir()))
    .filter((f) => f.endsWith('.csv') && f !== 'data_quality.csv')
    .sort();
  return Object.fromEntries(
    await Promise.all(files.map(async (f) => [f, await readFile(path.join(csvDir(), f), 'utf8')] as const)),
  );
}

const quarantineOf = async (stem: string): Promise<QuarantineRecord[]> =>
  (await readFile(path.join(lake, 'quarantine', 'store_sales', `${stem}.jsonl`), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as QuarantineRecord);

let baseline: Record<string, string>;
let augustOrders: number;
beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'resent-file-'));
  await generateDataset({ lake, from: '2025-07', months: 2, ordersPerMonth: 300, seed: 5, force: false });
  augustOrders = (await readFile(path.join(lake, AUG), 'utf8')).trim().split('\n').length;
  baseline = await etlAndExport();
}, 120_000);
afterAll(() => rm(lake, { recursive: true, force: true }));

describe('a resent month under another file name', () => {
  it('is quarantined at load, naming the original, and no export changes', async () => {
    await copyFile(path.join(lake, AUG), path.join(lake, RESENT));

    const after = await etlAndExport();

    expect(after).toEqual(baseline);
    expect(after['monthly_revenue.csv']).toContain('2025-08');
    const records = await quarantineOf('orders_2025_09');
    expect(records).toHaveLength(augustOrders);
    // The data-quality export shows the resent file: every record read, none loaded.
    const quality = await readFile(path.join(csvDir(), 'data_quality.csv'), 'utf8');
    expect(quality).toContain(`,${RESENT},all,${augustOrders},0,${augustOrders},`);
    for (const r of records) {
      expect(r).toMatchObject({ source_key: RESENT, reason: 'duplicate_order_id' });
      expect(r.message).toContain(`already loaded from ${AUG}`);
    }
  }, 120_000);

  it('loads the twin on the next run once the original is deleted', async () => {
    await rm(path.join(lake, AUG));

    const s = await runLocalEtl({ lake });

    expect(s.retired).toEqual([AUG]);
    expect(s.processed.map((r) => [r.sourceKey, r.loaded, r.quarantined])).toEqual([
      [RESENT, augustOrders, 0],
    ]);
    expect(await etlAndExport()).toEqual(baseline);
  }, 120_000);

  it('makes export-outputs refuse a lake with a duplicated Parquet file, writing nothing', async () => {
    const partition = path.join(lake, 'processed/store_sales/fact_orders/order_year=2025/order_month=08');
    await copyFile(
      path.join(partition, 'part-orders_2025_09.parquet'),
      path.join(partition, 'part-planted.parquet'),
    );
    await crawlDuckDb({ lake });
    const before = await stat(path.join(csvDir(), 'monthly_revenue.csv'));

    const err = await exportOutputsOn({ target: 'local', lake }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OpsError);
    expect(err).toMatchObject({ code: 'DUPLICATE_ORDERS' });
    const message = (err as OpsError).message;
    expect(message).toContain(`${augustOrders} order_id(s) are loaded more than once`);
    expect(message).toMatch(/ORD-2025\d{4}-[0-9a-f]+ \[2025-08\] in raw\/store_sales\/orders_2025_09\.json/);
    expect((await stat(path.join(csvDir(), 'monthly_revenue.csv'))).mtimeMs).toBe(before.mtimeMs);
    expect(await csvs()).toEqual(baseline);
  }, 120_000);
});
