import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS, RUN_METADATA_FILE } from '../../contracts/csv-exports.js';
import { runDbt } from '../../tools/engines/dbt-runner.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { trinoDbtEnv } from '../../tools/trino/dbt-env.js';
import { openTrinoEngine } from '../../tools/trino/trino-engine.js';
import { type OpsRun, ops } from './support/ops-cli.js';
import { connection, dropSchema, testSchema, useTrino } from './support/trino-server.js';

/** Settings a developer's shell might export, cleared so the flags under test decide. */
const CLEAN_ENV = { TRINO_URL: '', TRINO_CATALOG: '', TRINO_SCHEMA: '', TRINO_PASSWORD: '', TRINO_USER: '' };

const failure = (run: OpsRun) => ({ code: run.code, stderr: run.stderr });

/** `ops … --target trino` as a user runs it, on the lake and schema of this file. */
describe('ops --target trino (CLI in a child process, development server)', () => {
  const schema = testSchema('target');
  const emptySchema = testSchema('target_empty');
  let url: string;
  let lake: string;
  let engine: QueryEngine;
  let pipeline: OpsRun;
  const trino = (args: string[], inSchema = schema) =>
    ops(
      [...args, '--target', 'trino', '--lake', lake, '--trino-url', url, '--trino-schema', inSchema],
      CLEAN_ENV,
    );

  beforeAll(async () => {
    ({ url } = await useTrino());
    lake = await mkdtemp(path.join(os.tmpdir(), 'trino-target-lake-'));
    engine = await openTrinoEngine(connection(url, 'information_schema'));
    // Without --trino-url the target reuses the development server the test run started.
    pipeline = await ops(
      ['pipeline', '--target', 'trino', '--lake', lake, '--trino-schema', schema],
      CLEAN_ENV,
    );
  }, 900_000);
  afterAll(async () => {
    if (engine) {
      for (const s of [schema, emptySchema]) await dropSchema(engine, s);
      await engine.close();
    }
    if (lake) await rm(lake, { recursive: true, force: true });
  });

  it('runs every pipeline step; dbt build passes on Trino', () => {
    expect(pipeline.code, pipeline.stderr.slice(-3000)).toBe(0);
    expect(pipeline.stdout).toMatch(/pipeline \(trino\) done/);
    for (const step of [
      'generate',
      'etl',
      'crawl',
      'create-views',
      'transform',
      'export-outputs',
      'dashboard',
    ]) {
      expect(pipeline.stderr).toContain(`] ${step}\n`);
    }
    // the same exact counts as dbt-build.test.ts (DuckDB): 3 staging, 9 intermediate, one mart per export
    expect(pipeline.stdout).toMatch(
      new RegExp(
        `transform +models ${3 + 9 + CSV_EXPORTS.length} passed, 0 failed; tests 101 passed, 0 failed; unit tests 11 passed, 0 failed`,
      ),
    );
  });

  it('builds the marts in the target schema, equal in rows to the views', async () => {
    const [r] = await engine.query(
      `SELECT (SELECT COUNT(*) FROM hive.${schema}.mart_monthly_revenue) AS mart, (SELECT COUNT(*) FROM hive.${schema}.v_monthly_revenue) AS view`,
    );
    expect(r).toEqual({ mart: '12', view: '12' });
  });

  it('exports CSVs byte-identical to --target local on the same lake', async () => {
    const localDir = path.join(lake, 'local-csv');
    for (const step of [['crawl'], ['create-views'], ['transform'], ['export-outputs', '--out', localDir]]) {
      const run = await ops([...step, '--target', 'local', '--lake', lake]);
      expect(run.code, run.stderr).toBe(0);
    }
    for (const spec of CSV_EXPORTS) {
      const expected = await readFile(path.join(localDir, spec.file), 'utf8');
      expect(expected.split('\n').length).toBeGreaterThan(10);
      const actual = await readFile(path.join(lake, 'analytics_outputs', spec.file), 'utf8');
      expect(actual === expected, `${spec.file} differs`).toBe(true);
    }
    await expect(readFile(path.join(lake, 'dashboard', 'index.html'), 'utf8')).resolves.toContain('<html');
  });

  it('builds incrementally after a month is re-processed: months before it kept, an unpartitioned table rebuilt, equal to a full refresh and to --target local', async () => {
    const tables = (
      await engine.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}'
         AND table_type = 'BASE TABLE' AND regexp_like(table_name, '^(int|mart)_') ORDER BY table_name`,
      )
    ).map((r) => String(r.table_name));
    const snapshot = async () => {
      const rows: Record<string, string[]> = {};
      for (const t of tables)
        rows[t] = (await engine.query(`SELECT * FROM hive.${schema}.${t}`))
          .map((r) => JSON.stringify(r))
          .sort();
      return rows;
    };
    // the files holding int_customer_months' rows before the re-processed month
    const filesBeforeAugust = async () =>
      (
        await engine.query(
          `SELECT DISTINCT "$path" AS f FROM hive.${schema}.int_customer_months WHERE activity_month < DATE '2025-08-01'`,
        )
      )
        .map((r) => String(r.f))
        .sort();
    const kept = await filesBeforeAugust();
    expect(tables).toContain('int_customer_months');
    expect(kept.length).toBeGreaterThan(0);

    // One table as a version before 2026-12-05 left it: not partitioned (the Hive connector cannot
    // delete its rows). The next build drops it and builds it whole, partitioned.
    const geo = `hive.${schema}.int_geo_engagement_monthly`;
    const partitions = () =>
      engine.query(`SELECT count(*) AS n FROM hive.${schema}."int_geo_engagement_monthly$partitions"`);
    await engine.exec(`CREATE TABLE hive.${schema}.geo_plain AS SELECT * FROM ${geo}`);
    await engine.exec(`DROP TABLE ${geo}`);
    await engine.exec(`CREATE TABLE ${geo} AS SELECT * FROM hive.${schema}.geo_plain`);
    await engine.exec(`DROP TABLE hive.${schema}.geo_plain`);
    await expect(partitions()).rejects.toThrow(/does not exist/);

    // September re-processed with changed facts: 15 orders gone, 25 between completed and cancelled
    const raw = path.join(lake, 'raw', 'store_sales', 'orders_2025_09.json');
    const orders = (await readFile(raw, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { status: string });
    const changed = orders
      .slice(15)
      .map((o, i) => (i < 25 ? { ...o, status: o.status === 'completed' ? 'cancelled' : 'completed' } : o));
    await writeFile(raw, `${changed.map((o) => JSON.stringify(o)).join('\n')}\n`);
    for (const step of [['etl'], ['crawl'], ['transform'], ['export-outputs']]) {
      const run = await trino(step);
      expect(run.code, `${step[0]}: ${run.stderr.slice(-3000)}`).toBe(0);
    }
    // incremental: the months before the first changed one were not rewritten
    expect(await filesBeforeAugust()).toEqual(kept);
    expect(Number((await partitions())[0]?.n)).toBe(12);
    const incremental = await snapshot();

    const full = await trino(['transform', '--full-refresh']);
    expect(full.code, full.stderr.slice(-3000)).toBe(0);
    expect(await filesBeforeAugust()).not.toEqual(kept);
    expect(await snapshot()).toEqual(incremental);

    const localDir = path.join(lake, 'local-csv-reprocessed');
    for (const step of [['crawl'], ['transform'], ['export-outputs', '--out', localDir]]) {
      const run = await ops([...step, '--target', 'local', '--lake', lake]);
      expect(run.code, run.stderr).toBe(0);
    }
    for (const spec of CSV_EXPORTS) {
      const expected = await readFile(path.join(localDir, spec.file), 'utf8');
      const actual = await readFile(path.join(lake, 'analytics_outputs', spec.file), 'utf8');
      expect(actual === expected, `${spec.file} differs`).toBe(true);
    }
    // two Trino builds and a local one: ~100 s alone on two cores, more beside the other files
    // (over 300 s in a CI run of 2026-12-07, an hour when this machine ran at half its speed)
  }, 600_000);

  it('`dbt retry` on a table built before source_fingerprint rebuilds it without doubling a month', async () => {
    // dbt retry builds its own queue: on-run-start sees no selected model and drops no outdated
    // table, so the model's pre-hook must clear the rows it appends again (every month differs).
    const table = `hive.${schema}.int_customer_months`;
    const counts = async () =>
      (
        await engine.query(
          `SELECT count(*) AS n, count(DISTINCT (customer_id, activity_month)) AS keys FROM ${table}`,
        )
      )[0];
    const before = await counts();
    expect(Number(before?.n)).toBeGreaterThan(1000);
    expect(before?.n).toBe(before?.keys);

    const scratch = await mkdtemp(path.join(os.tmpdir(), 'trino-retry-'));
    const targetPath = path.join(scratch, 'target');
    try {
      const dbt = (args: string[]) =>
        runDbt({
          args,
          target: 'trino',
          targetPath,
          logPath: path.join(scratch, 'logs'),
          env: trinoDbtEnv(connection(url, schema)),
        });
      // A real build's results, then the model marked failed, as a run that broke there leaves them.
      const build = await dbt(['build', '--select', 'int_customer_months']);
      expect(build.ok, JSON.stringify(build.failures)).toBe(true);
      // runDbt clears run_results.json before a run: retry reads the build's from --state.
      const state = path.join(scratch, 'state');
      await cp(targetPath, state, { recursive: true });
      const resultsFile = path.join(state, 'run_results.json');
      const results = JSON.parse(await readFile(resultsFile, 'utf8')) as {
        results: { unique_id: string; status: string }[];
      };
      const model = results.results.find((r) => r.unique_id === 'model.store_sales.int_customer_months');
      expect(model?.status).toBe('success');
      if (model) model.status = 'error';
      await writeFile(resultsFile, JSON.stringify(results));

      // the table as a version before source_fingerprint left it: no such column, not partitioned
      await engine.exec(
        `CREATE TABLE hive.${schema}.months_plain AS SELECT customer_id, activity_month, cohort_month, months_since_cohort FROM ${table}`,
      );
      await engine.exec(`DROP TABLE ${table}`);
      await engine.exec(`CREATE TABLE ${table} AS SELECT * FROM hive.${schema}.months_plain`);
      await engine.exec(`DROP TABLE hive.${schema}.months_plain`);

      const retry = await dbt(['retry', '--state', state]);
      expect(retry.ok, JSON.stringify(retry.failures)).toBe(true);
      expect(retry.models.passed).toBeGreaterThanOrEqual(1);
      expect(await counts()).toEqual(before);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('reports an unreachable coordinator as TRINO_UNREACHABLE with a hint', async () => {
    const run = await ops(
      ['export-outputs', '--target', 'trino', '--lake', lake, '--trino-url', 'http://127.0.0.1:9'],
      CLEAN_ENV,
    );
    expect(failure(run)).toEqual({
      code: 1,
      stderr: expect.stringMatching(
        /error \[TRINO_UNREACHABLE\][^\n]*127\.0\.0\.1:9[^\n]*\n\s+hint: .*npm run trino -- start/,
      ),
    });
  });

  it('reports an unknown catalog and an unknown schema with the setting to fix', async () => {
    const catalog = await trino(['crawl', '--trino-catalog', 'no_such_catalog']);
    expect(failure(catalog)).toEqual({
      code: 1,
      stderr: expect.stringMatching(
        /error \[TRINO_UNKNOWN_CATALOG\].*no_such_catalog.*\n\s+hint: .*--trino-catalog/,
      ),
    });
    const missing = await trino(['export-outputs'], 'no_such_schema');
    expect(failure(missing)).toEqual({
      code: 1,
      stderr: expect.stringMatching(
        /error \[TRINO_UNKNOWN_SCHEMA\].*no_such_schema.*\n\s+hint: .*ops crawl --target trino/,
      ),
    });
  });

  it("names the file and statement number of a failing view statement, with Trino's message", async () => {
    await engine.exec(`CREATE SCHEMA IF NOT EXISTS hive.${emptySchema}`);
    const run = await trino(['create-views'], emptySchema);
    expect(failure(run)).toEqual({
      code: 1,
      stderr: expect.stringMatching(
        /error \[VIEW_FAILED\]: base_views\.sql statement 1 .*trino says: .*fact_orders.* does not exist/,
      ),
    });
  });

  it('refuses a password over plain http', async () => {
    const run = await trino(['export-outputs', '--trino-password', 'secret']);
    expect(failure(run)).toEqual({
      code: 1,
      stderr: expect.stringMatching(/error \[TRINO_PASSWORD_NEEDS_TLS\].*\n\s+hint: .*https/),
    });
  });

  it('reports a Java too old for the development server before downloading anything', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'trino-nojava-'));
    try {
      const java = path.join(cache, 'jdk-17', 'bin', 'java');
      await mkdir(path.dirname(java), { recursive: true });
      await writeFile(java, '#!/bin/sh\necho \'openjdk version "17.0.12" 2024-07-16\' >&2\n');
      await chmod(java, 0o755);
      const run = await ops(['crawl', '--target', 'trino', '--lake', lake], {
        ...CLEAN_ENV,
        STORE_SALES_CACHE: path.join(cache, 'cache'),
        TRINO_JAVA_HOME: path.join(cache, 'jdk-17'),
      });
      expect(failure(run)).toEqual({
        code: 1,
        stderr: expect.stringMatching(/error \[JAVA_TOO_OLD\].*Java 17.*\n\s+hint: .*TRINO_JAVA_HOME/),
      });
      expect(await readdir(path.join(cache, 'cache'))).not.toContain('trino-server-476');
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  // Last: it breaks a view of the schema the tests above read.
  it('leaves the previous CSVs whole when an export query fails', async () => {
    const dir = path.join(lake, 'analytics_outputs');
    const before = await Promise.all(CSV_EXPORTS.map((s) => readFile(path.join(dir, s.file), 'utf8')));
    const last = CSV_EXPORTS[CSV_EXPORTS.length - 1];
    await engine.exec(`DROP TABLE hive.${schema}.${last?.mart}`);
    const run = await trino(['export-outputs']);
    expect(failure(run)).toEqual({
      code: 1,
      stderr: expect.stringMatching(new RegExp(`error \\[EXPORT_FAILED\\]: ${last?.file}`)),
    });
    const after = await Promise.all(CSV_EXPORTS.map((s) => readFile(path.join(dir, s.file), 'utf8')));
    expect(after).toEqual(before);
    // nothing new appeared either: the CSVs and the previous run's metadata, as before
    expect((await readdir(dir)).sort()).toEqual(
      [...CSV_EXPORTS.map((s) => s.file), RUN_METADATA_FILE].sort(),
    );
  });
});
