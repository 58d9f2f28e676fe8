import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSV_EXPORTS, RUN_METADATA_FILE } from '../../../contracts/csv-exports.js';
import { exportOutputsOn } from '../../../tools/commands/export-outputs.js';
import { openDuckDbEngine } from '../../../tools/duckdb/duckdb-engine.js';
import { warehousePath } from '../../../tools/duckdb/warehouse.js';
import { createViews, SQL_DIR } from '../../../tools/engines/create-views.js';
import { recordBuilds } from '../../../tools/engines/dbt-runner.js';
import { writeEtlState } from '../../../tools/etl/etl-state.js';
import { exportOutputs } from '../../../tools/exports/export-outputs.js';
import { type FixtureOrder, factTablesSql, martsFromViewsSql } from '../../sql/fact-fixture.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..', '..');

const order = (id: string, date: string, status: FixtureOrder['status']): FixtureOrder => ({
  id,
  date,
  status,
  customer: 'C1',
  country: 'DE',
  lines: [{ category: 'books', usd: '12.50' }],
});

/** A lake whose warehouse holds the given orders as fact tables, the views and the marts. */
async function lakeWith(
  lake: string,
  orders: FixtureOrder[],
  extra: string[] = [],
  marts = true,
): Promise<void> {
  const engine = await openDuckDbEngine(warehousePath(lake));
  try {
    for (const sql of factTablesSql(orders)) await engine.exec(sql);
    await createViews(engine, SQL_DIR, { quality: true });
    if (marts) for (const sql of martsFromViewsSql()) await engine.exec(sql);
    for (const sql of extra) await engine.exec(sql);
  } finally {
    await engine.close();
  }
}

/** Drops every `v_*` view of the lake's warehouse, dependants first. */
async function dropViews(lake: string): Promise<void> {
  const engine = await openDuckDbEngine(warehousePath(lake));
  try {
    const views = await engine.query(
      "SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name LIKE 'v\\_%' ESCAPE '\\'",
    );
    expect(views.length).toBeGreaterThanOrEqual(CSV_EXPORTS.length);
    for (const { view_name } of views) await engine.exec(`DROP VIEW IF EXISTS ${view_name}`);
    expect(
      await engine.query("SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'v\\_%' ESCAPE '\\'"),
    ).toEqual([]);
  } finally {
    await engine.close();
  }
}

describe('exportOutputsOn (local)', () => {
  let lake: string;
  beforeEach(async () => {
    lake = await mkdtemp(path.join(os.tmpdir(), 'export-outputs-'));
  });
  afterEach(() => rm(lake, { recursive: true, force: true }));

  it('writes every contract file to <lake>/analytics_outputs and nothing else', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed'), order('O2', '2025-02-05', 'completed')]);

    const result = await exportOutputsOn({ target: 'local', lake });

    const out = path.join(lake, 'analytics_outputs');
    expect(result.outDir).toBe(out);
    expect((await readdir(out)).sort()).toEqual(
      [...CSV_EXPORTS.map((o) => o.file), RUN_METADATA_FILE].sort(),
    );
    expect(await readFile(path.join(out, 'monthly_churn.csv'), 'utf8')).toBe(
      'month,active_customers,churned_customers,churn_rate\n2025-01-01,1,0,0.000000\n2025-02-01,1,,\n',
    );
  });

  it('writes to --out when given', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed')]);
    const out = path.join(lake, 'elsewhere');

    const result = await exportOutputsOn({ target: 'local', lake, out });

    expect(result.files.map((f) => f.file)).toEqual(CSV_EXPORTS.map((o) => o.file));
    expect(await readdir(out)).toHaveLength(CSV_EXPORTS.length + 1);
  });

  it('writes run_metadata.json: refresh time, no ETL run without ETL state, dbt results with warnings apart', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed')]);
    const artifacts = path.join(lake, 'dbt-artifacts');
    await mkdir(path.join(artifacts, 'target'), { recursive: true });
    const node = (unique_id: string, status: string) => ({ unique_id, status });
    await writeFile(
      path.join(artifacts, 'target', 'run_results.json'),
      JSON.stringify({
        metadata: { generated_at: '2026-12-01T10:00:00Z', invocation_id: 'run-1' },
        elapsed_time: 42.5,
        results: [
          node('model.store_sales.mart_a', 'success'),
          node('model.store_sales.mart_b', 'error'),
          node('test.store_sales.not_null_mart_a_month.0123456789', 'pass'),
          node('test.store_sales.unique_mart_a_month.abcdef0123', 'warn'),
          node('unit_test.store_sales.mart_a.rounds', 'skipped'),
        ],
      }),
    );
    // as `ops transform` on this lake records it
    await recordBuilds(path.join(artifacts, 'target'), `duckdb ${path.resolve(warehousePath(lake))}`);
    const before = Date.now();

    await exportOutputsOn({ target: 'local', lake, dbtArtifactsDir: artifacts });

    const meta = JSON.parse(await readFile(path.join(lake, 'analytics_outputs', RUN_METADATA_FILE), 'utf8'));
    expect(Date.parse(meta.refreshed_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(meta).toMatchObject({
      last_etl_run: null,
      dbt: {
        generated_at: '2026-12-01T10:00:00Z',
        started_at: '2026-12-01T09:59:17.500Z',
        models: { passed: 1, warned: 0, failed: 1, skipped: 0 },
        data_tests: { passed: 1, warned: 1, failed: 0, skipped: 0 },
        unit_tests: { passed: 0, warned: 0, failed: 0, skipped: 1 },
        problems: [
          { name: 'mart_b', status: 'error' },
          { name: 'unique_mart_a_month.abcdef0123', status: 'warn' },
        ],
      },
    });
  });

  it('says when the marts it exports were built before the last ETL run (data loaded since is missing)', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed')]);
    const artifacts = path.join(lake, 'dbt-artifacts');
    await mkdir(path.join(artifacts, 'target'), { recursive: true });
    await writeFile(
      path.join(artifacts, 'target', 'run_results.json'),
      JSON.stringify({
        metadata: { generated_at: '2026-12-01T10:00:00Z', invocation_id: 'run-1' },
        results: [],
      }),
    );
    await recordBuilds(path.join(artifacts, 'target'), `duckdb ${path.resolve(warehousePath(lake))}`);
    const etlAt = async (processedAt: string) => {
      const source = {
        size: 1,
        mtimeMs: 1,
        sha256: '0'.repeat(64),
        etlVersion: 'v',
        files: [],
        read: 1,
        loaded: 1,
        quarantined: 0,
      };
      await writeEtlState(lake, {
        version: 1,
        sources: { 'raw/store_sales/orders_2025_01.json': { ...source, processedAt } },
      });
      return exportOutputsOn({ target: 'local', lake, dbtArtifactsDir: artifacts });
    };

    expect(await etlAt('2026-12-01T09:59:59Z')).toMatchObject({ dbtResults: true, stale: false });
    expect(await etlAt('2026-12-01T10:00:01Z')).toMatchObject({ dbtResults: true, stale: true });
    const meta = JSON.parse(await readFile(path.join(lake, 'analytics_outputs', RUN_METADATA_FILE), 'utf8'));
    expect(meta).toMatchObject({
      last_etl_run: '2026-12-01T10:00:01Z',
      dbt: { generated_at: '2026-12-01T10:00:00Z' },
    });
  });

  it("gives no dbt results from a build of another lake's warehouse, of one that did not say what it built, or of a later dbt run", async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed')]);
    const artifacts = path.join(lake, 'dbt-artifacts');
    const target = path.join(artifacts, 'target');
    await mkdir(target, { recursive: true });
    const writeResults = (invocation_id: string) =>
      writeFile(
        path.join(target, 'run_results.json'),
        JSON.stringify({
          metadata: { invocation_id },
          results: [{ unique_id: 'model.store_sales.mart_a', status: 'success' }],
        }),
      );
    await writeResults('run-1');
    const dbtInMetadata = async (exportLake = lake) => {
      const r = await exportOutputsOn({ target: 'local', lake: exportLake, dbtArtifactsDir: artifacts });
      const { dbt } = JSON.parse(
        await readFile(path.join(lake, 'analytics_outputs', RUN_METADATA_FILE), 'utf8'),
      );
      // what the command's summary says of run_metadata.json
      expect(r.dbtResults).toBe(dbt !== null);
      return dbt;
    };

    await recordBuilds(target, `duckdb ${path.resolve(lake, '..', 'other-lake', 'warehouse.duckdb')}`);
    expect(await dbtInMetadata()).toBeNull();
    await recordBuilds(target, undefined);
    expect(await dbtInMetadata()).toBeNull();
    // the same folder, once this lake's build is recorded, and through a symlink to the lake
    // (recorded by its real path, as a build records it: os.tmpdir() is a symlink on macOS)
    await recordBuilds(
      target,
      `duckdb ${path.join(await realpath(lake), path.basename(warehousePath(lake)))}`,
    );
    expect(await dbtInMetadata()).toMatchObject({ models: { passed: 1 } });
    const link = `${lake}-link`;
    await symlink(lake, link);
    try {
      expect(await dbtInMetadata(link)).toMatchObject({ models: { passed: 1 } });
    } finally {
      await rm(link, { force: true });
    }
    // a dbt run by hand in the same folder replaced the results: they are not that build's
    await writeResults('run-by-hand');
    expect(await dbtInMetadata()).toBeNull();
  });

  it('keeps the previous files when one export fails', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed')], ['DROP TABLE mart_geo_engagement']);
    const out = path.join(lake, 'analytics_outputs');
    await mkdir(out);
    await writeFile(path.join(out, 'monthly_revenue.csv'), 'previous\n');

    const error = await exportOutputsOn({ target: 'local', lake }).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'EXPORT_FAILED',
      message: expect.stringMatching(/^geo_engagement\.csv/),
    });
    expect(await readdir(out)).toEqual(['monthly_revenue.csv']);
    expect(await readFile(path.join(out, 'monthly_revenue.csv'), 'utf8')).toBe('previous\n');
  });

  it('exits non-zero and says so when there is no data to export', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'cancelled')]);

    const result = await run('npx', ['tsx', 'tools/ops.ts', 'export-outputs', '--lake', lake], {
      cwd: root,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error \[NO_DATA\]: .*no completed orders/);
    expect(await readdir(lake)).toEqual(['warehouse.duckdb']);
  });

  it('reads only the marts: with every v_* view dropped it writes the same files', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed'), order('O2', '2025-02-07', 'returned')]);
    const before = path.join(lake, 'with-views');
    await exportOutputsOn({ target: 'local', lake, out: before });
    await dropViews(lake);

    const after = path.join(lake, 'without-views');
    await exportOutputsOn({ target: 'local', lake, out: after });

    for (const { file } of CSV_EXPORTS) {
      expect(await readFile(path.join(after, file), 'utf8'), file).toBe(
        await readFile(path.join(before, file), 'utf8'),
      );
    }
  });

  it('fails with NO_MARTS and the transform hint, writing nothing, when dbt has not run', async () => {
    await lakeWith(lake, [order('O1', '2025-01-05', 'completed')], [], false);

    const error = await exportOutputsOn({ target: 'local', lake }).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'NO_MARTS',
      hint: expect.stringMatching(/`npx ops transform`/),
    });
    expect(await readdir(lake)).toEqual(['warehouse.duckdb']);
  });

  it('says NO_MARTS in one line, not a query error, for a warehouse with no tables at all', async () => {
    // what `dbt build` by hand on a lake never crawled leaves: the duplicate check of fact_orders
    // ran first and failed with DuckDB's own multi-line "Table … does not exist"
    await (await openDuckDbEngine(warehousePath(lake))).close();

    const error = await exportOutputsOn({ target: 'local', lake }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'NO_MARTS', hint: expect.stringMatching(/`npx ops transform`/) });
    expect((error as Error).message).not.toContain('\n');
  });

  it("keeps an engine's other errors as they are: only a missing mart is NO_MARTS", async () => {
    // e.g. Athena refusing the caller: its own code and hint come from the AWS layer, not "run transform"
    const denied = Object.assign(new Error('User is not authorized to perform: athena:StartQueryExecution'), {
      $metadata: { httpStatusCode: 400 },
    });
    const engine = {
      name: 'fake',
      exec: async () => {},
      query: async () => Promise.reject(denied),
      close: async () => {},
    };

    await expect(exportOutputs(engine, lake)).rejects.toBe(denied);
    const missing = new Error(
      "TABLE_NOT_FOUND: line 1:40: Table 'awsdatacatalog.db.mart_monthly_revenue' does not exist",
    );
    engine.query = async () => Promise.reject(missing);
    await expect(exportOutputs(engine, lake)).rejects.toMatchObject({ code: 'NO_MARTS' });
  });

  it('says to crawl first when the lake has no catalog', async () => {
    const error = await exportOutputsOn({ target: 'local', lake }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'NO_WAREHOUSE', hint: expect.stringMatching(/ops crawl/) });
    expect(await readdir(lake)).toEqual([]);
  });
});
