import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { runTransform } from '../../tools/commands/transform.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import type { DbtRunSummary } from '../../tools/engines/dbt-runner.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { dbtResultsSummary, runMetadata } from '../../tools/exports/run-metadata.js';
import { localTarget } from '../../tools/targets/local.js';
import { BAD_LINE_FILE, buildLake, REFUSED_FILE } from './dbt-lake.js';

/** `v_monthly_revenue` -> `mart_monthly_revenue`: each mart is named after its view. */
const martOf = (view: string): string => view.replace(/^v_/, 'mart_');

describe('dbt build on generated data (12 x 500 orders)', () => {
  let lake: string;
  let summary: DbtRunSummary;
  let db: QueryEngine;

  beforeAll(async () => {
    lake = await buildLake(500, 'dbt-lake-', { badLine: true });
    summary = await runTransform({
      target: 'local',
      lake,
      artifactsDir: path.join(lake, '.dbt'),
      onLine: () => {},
    });
    db = await openDuckDbEngine(path.join(lake, 'warehouse.duckdb'), { readOnly: true });
  });
  afterAll(async () => {
    await db?.close();
    await rm(lake, { recursive: true, force: true });
  });

  it('builds every model and passes every data test and unit test', () => {
    expect(summary.failures).toEqual([]);
    expect(summary.models).toEqual({ passed: 3 + 9 + CSV_EXPORTS.length, failed: 0, skipped: 0 });
    // every data test of the project's YAML and tests/ folder, counted: one silently skipped fails here
    expect(summary.tests).toEqual({ passed: 101, failed: 0, skipped: 0 });
    expect(summary.unitTests).toEqual({ passed: 11, failed: 0, skipped: 0 });
  });

  it('counts the planted bad line in mart_data_quality: read = loaded + 1, one invalid_json', async () => {
    const rows = await db.query(
      `SELECT reason, records_read, records_loaded, records_quarantined FROM mart_data_quality WHERE source_file = '${BAD_LINE_FILE}' ORDER BY reason`,
    );
    const [all, bad] = rows;

    expect(rows).toHaveLength(2);
    expect(Number(all?.records_read)).toBe(Number(all?.records_loaded) + 1);
    expect(all).toMatchObject({ reason: 'all' });
    expect(Number(all?.records_quarantined)).toBe(1);
    expect(bad).toMatchObject({ reason: 'invalid_json' });
    expect(Number(bad?.records_quarantined)).toBe(1);
  });

  it('keeps what a refused re-upload replaced: the kept facts, their quarantined record, and the refusal, read = loaded + 2', async () => {
    const rows = await db.query(
      `SELECT reason, records_read, records_loaded, records_quarantined FROM mart_data_quality WHERE source_file = '${REFUSED_FILE}' ORDER BY reason`,
    );
    const [loaded] = await db.query(
      `SELECT COUNT(*) AS n FROM fact_orders WHERE source_file = '${REFUSED_FILE}'`,
    );
    const n = Number(loaded?.n);

    expect(n).toBeGreaterThan(0);
    expect(
      rows.map((r) => ({
        ...r,
        records_loaded: r.records_loaded === null ? null : Number(r.records_loaded),
      })),
    ).toEqual([
      { reason: 'all', records_read: String(n + 2), records_loaded: n, records_quarantined: '2' },
      { reason: 'empty_file', records_read: null, records_loaded: null, records_quarantined: '1' },
      { reason: 'invalid_json', records_read: null, records_loaded: null, records_quarantined: '1' },
    ]);
  });

  it('summarizes the same run_results.json for run_metadata.json, warnings apart', async () => {
    const dbt = await dbtResultsSummary(path.join(lake, '.dbt', 'target', 'run_results.json'));

    expect(dbt).toMatchObject({
      models: { passed: summary.models.passed, warned: 0, failed: 0, skipped: 0 },
      data_tests: { passed: summary.tests.passed, warned: 0, failed: 0, skipped: 0 },
      unit_tests: { passed: summary.unitTests.passed, warned: 0, failed: 0, skipped: 0 },
      problems: [],
    });
    expect(dbt?.generated_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("records what it built, so run metadata takes its results for this lake's exports only", async () => {
    const dbtArtifactsDir = path.join(lake, '.dbt');
    const builds = (l: string) => localTarget.dbt.describe({ target: 'local', lake: l });

    expect(await builds(lake)).toBe(`duckdb ${path.resolve(lake, 'warehouse.duckdb')}`);
    expect((await runMetadata({ dbtArtifactsDir, builds: await builds(lake) })).dbt).toMatchObject({
      models: { passed: summary.models.passed },
    });
    expect((await runMetadata({ dbtArtifactsDir, builds: await builds(`${lake}-other`) })).dbt).toBeNull();
  });

  describe.each(CSV_EXPORTS.map((o) => [martOf(o.view), o] as const))('%s', (mart, output) => {
    const columnsOf = (relation: string) =>
      db.query(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'main' AND table_name = '${relation}' ORDER BY ordinal_position`,
      );

    it(`has the columns of ${output.file}, with the types of ${output.view}`, async () => {
      const martColumns = await columnsOf(mart);

      expect(martColumns.map((c) => c.column_name)).toEqual([...output.columns]);
      expect(martColumns).toEqual(await columnsOf(output.view));
    });

    it(`equals ${output.view} row for row`, async () => {
      const [counts] = await db.query(
        `SELECT (SELECT COUNT(*) FROM ${mart}) AS mart_rows, (SELECT COUNT(*) FROM ${output.view}) AS view_rows`,
      );
      const onlyInMart = await db.query(
        `SELECT * FROM ${mart} EXCEPT ALL SELECT * FROM ${output.view} LIMIT 5`,
      );
      const onlyInView = await db.query(
        `SELECT * FROM ${output.view} EXCEPT ALL SELECT * FROM ${mart} LIMIT 5`,
      );

      expect(Number(counts?.view_rows)).toBeGreaterThan(0);
      expect(counts?.mart_rows).toEqual(counts?.view_rows);
      expect(onlyInMart).toEqual([]);
      expect(onlyInView).toEqual([]);
    });
  });
});
