import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../../contracts/csv-exports.js';
import { rawMonthKey } from '../../../contracts/lake-keys.js';
import { LAKE } from '../../../contracts/lake-layout.js';
import { createViewsOn } from '../../../tools/commands/create-views.js';
import { exportOutputsOn } from '../../../tools/commands/export-outputs.js';
import { crawlDuckDb } from '../../../tools/duckdb/duckdb-catalog.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { lakePath } from '../../../tools/lib/lake-path.js';
import { addMartsFromViews } from '../../sql/fact-fixture.js';
import { ORACLE_ROWS, type OracleOrder, oracleOrdersFromLake } from '../../support/metrics-oracle.js';

/**
 * End to end on real data: the generator writes raw JSON, the ETL loads it, then crawl,
 * create-views and export-outputs. Every exported CSV must equal, field for field (money to
 * the cent), what the TypeScript oracle computes from the raw JSON alone. Eight months across a
 * year end give cohorts with all of k = 0..6; one file holds records the ETL must reject, and
 * one is in the older JSON-array format.
 */
const SPEC = { from: '2024-12', months: 8, ordersPerMonth: 1_500, seed: 11 } as const;

/** Adds a duplicate, a money mismatch and a broken line to one raw file; rewrites another as an array. */
async function roughenRawFiles(lake: string): Promise<void> {
  const jsonl = lakePath(lake, rawMonthKey(2025, 2));
  const lines = (await readFile(jsonl, 'utf8')).trimEnd().split('\n');
  const tampered = JSON.parse(lines[1] as string);
  tampered.order_total = Number((tampered.order_total + 1).toFixed(2));
  tampered.order_id = tampered.order_id.replace(/.$/, (c: string) => (c === '0' ? '1' : '0'));
  await writeFile(jsonl, `${[...lines, lines[0], JSON.stringify(tampered), '{"order_id": '].join('\n')}\n`);
  const array = lakePath(lake, rawMonthKey(2025, 3));
  const records = (await readFile(array, 'utf8')).trimEnd().split('\n');
  await writeFile(array, `[\n${records.join(',\n')}\n]\n`);
}

/**
 * The oracle reads only the orders that load, so for data_quality.csv it knows the loaded counts
 * and dates of each file, not the quarantined records: compare those columns of the `all` rows
 * (read and quarantined are checked against the raw files below). Other files: every field.
 */
const loadedView = (file: string, rows: string[][]): string[][] =>
  file === 'data_quality.csv'
    ? rows
        .filter((r) => r[2] === 'all')
        .map(([month, source, , , loaded, , latest]) => [month!, source!, loaded!, latest!])
    : rows;

describe('exports vs. an independent calculation from the raw JSON', () => {
  let lake: string;
  let oracle: OracleOrder[];
  const csv: Record<string, string> = {};
  beforeAll(async () => {
    lake = await mkdtemp(path.join(os.tmpdir(), 'exports-oracle-'));
    await generateDataset({ lake, ...SPEC, force: false });
    await roughenRawFiles(lake);
    await runLocalEtl({ lake });
    await crawlDuckDb({ lake });
    await createViewsOn({ target: 'local', lake });
    await addMartsFromViews(lake);
    const result = await exportOutputsOn({ target: 'local', lake });
    for (const f of result.files) csv[f.file] = await readFile(path.join(result.outDir, f.file), 'utf8');
    oracle = await oracleOrdersFromLake(lake);
  });
  afterAll(() => rm(lake, { recursive: true, force: true }));

  it('covers every month and the cohorts of a full six-month window', () => {
    const rows = (file: string) => parse(csv[file] as string, { columns: true }) as Record<string, string>[];

    expect(rows('monthly_revenue.csv')).toHaveLength(SPEC.months);
    expect(
      rows('cohort_retention_first_6_months.csv').filter((r) => r.months_since_cohort === '6'),
    ).not.toEqual([]);
  });

  for (const spec of CSV_EXPORTS) {
    it(`${spec.file} equals the oracle, field for field`, () => {
      const [header, ...rows] = parse(csv[spec.file] as string) as string[][];

      expect(header).toEqual(spec.columns);
      expect(loadedView(spec.file, rows)).toEqual(loadedView(spec.file, ORACLE_ROWS[spec.file](oracle)));
    });
  }

  it('data_quality.csv: read = the records of each raw file, quarantined = read - loaded, by reason', async () => {
    const rows = parse(csv['data_quality.csv'] as string, { columns: true }) as Record<string, string>[];
    const files = rows.filter((r) => r.reason === 'all');
    const feb = rawMonthKey(2025, 2);

    expect(files).toHaveLength(SPEC.months);
    for (const r of files) {
      const text = await readFile(lakePath(lake, r.source_file!), 'utf8');
      const records = text.trimStart().startsWith('[')
        ? (JSON.parse(text) as unknown[]).length
        : text.split('\n').filter((l) => l.trim()).length;
      expect(Number(r.records_read), r.source_file).toBe(records);
      expect(Number(r.records_quarantined), r.source_file).toBe(records - Number(r.records_loaded));
    }
    // roughenRawFiles' three bad records, all in February's file
    const reasons = rows.filter((r) => r.reason !== 'all');
    expect(reasons.map((r) => r.source_file)).toEqual(reasons.map(() => feb));
    expect(reasons.reduce((n, r) => n + Number(r.records_quarantined), 0)).toBe(3);
    expect(reasons.map((r) => r.reason)).toContain('duplicate_order_id');
    expect(reasons.map((r) => r.reason)).toContain('invalid_json');
  });

  it('writes plain text: \\n line ends, nothing quoted', () => {
    for (const spec of CSV_EXPORTS) {
      expect(csv[spec.file]?.endsWith('\n'), spec.file).toBe(true);
      expect(csv[spec.file], spec.file).not.toMatch(/[\r"]/);
    }
  });

  it('leaves out the records the ETL quarantined', async () => {
    const quarantine = await readFile(lakePath(lake, `${LAKE.quarantinePrefix}orders_2025_02.jsonl`), 'utf8');

    expect(quarantine.trimEnd().split('\n')).toHaveLength(3);
    expect(new Set(oracle.map((o) => o.orderId)).size).toBe(oracle.length);
  });
});
