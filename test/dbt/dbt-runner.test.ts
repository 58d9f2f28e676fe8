import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ATHENA_ENV } from '../../tools/aws/dbt-env.js';
import { runTransform } from '../../tools/commands/transform.js';
import { summarizeRunResults } from '../../tools/engines/dbt-results.js';
import { dbtRunFailure, runDbt } from '../../tools/engines/dbt-runner.js';
import { withDirLock } from '../../tools/lib/dir-lock.js';
import { formatError } from '../../tools/lib/errors.js';

describe('dbtRunFailure', () => {
  it("reports the file system's own error as FILE_SYSTEM, not as dbt's failure", () => {
    const refused = Object.assign(
      new Error("EACCES: permission denied, open '/lake/.dbt/target/dbt-run.lock'"),
      {
        code: 'EACCES',
      },
    );

    const err = dbtRunFailure(
      refused,
      'DOCS_FAILED',
      'dbt docs generate failed',
      'run `npx ops transform` first',
    );

    expect(err).toBe(refused);
    expect(formatError(err)).toMatch(/^error \[FILE_SYSTEM\]: EACCES/);
  });

  it("gives dbt's own failures their code, and a hint by what the message says", () => {
    const failure = (message: string) =>
      dbtRunFailure(new Error(message), 'DBT_FAILED', message, 'see the log');

    expect(failure('dbt exited 2')).toMatchObject({ code: 'DBT_FAILED', hint: 'see the log' });
    expect(failure('IO Error: Could not set lock on file "w.duckdb"')).toMatchObject({
      hint: expect.stringMatching(/^another process holds the warehouse open/),
    });
    expect(failure('IO Error: Cannot open file "w.duckdb": Permission denied')).toMatchObject({
      code: 'DBT_FAILED',
      hint: expect.stringMatching(/^the file system refuses a file dbt writes/),
    });
  });
});

describe('summarizeRunResults', () => {
  it('counts models, data tests and unit tests apart and names the nodes that did not pass', () => {
    const results = [
      { unique_id: 'model.store_sales.stg_fact_orders', status: 'success', message: 'OK' },
      { unique_id: 'model.store_sales.mart_monthly_churn', status: 'skipped', message: null },
      {
        unique_id: 'test.store_sales.unique_stg_fact_orders_order_id.35c711b4c0',
        status: 'fail',
        message: 'Got 3 results',
      },
      { unique_id: 'test.store_sales.assert_order_lines_match_order_header', status: 'pass', message: null },
      { unique_id: 'unit_test.store_sales.mart_revenue_mom.mom_compares', status: 'pass', message: null },
      {
        unique_id: 'unit_test.store_sales.mart_monthly_churn.churn_counts',
        status: 'error',
        message: 'boom',
      },
    ];

    const summary = summarizeRunResults(results);

    expect(summary.models).toEqual({ passed: 1, failed: 0, skipped: 1 });
    expect(summary.tests).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(summary.unitTests).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(summary.failures.map((f) => f.name)).toEqual([
      'unique_stg_fact_orders_order_id',
      'mart_monthly_churn.churn_counts',
    ]);
  });

  it('names a failed hook, which fails the run before any model, without counting hooks', () => {
    const results = [
      { unique_id: 'operation.store_sales.store_sales-on-run-start-0', status: 'error', message: 'boom' },
      { unique_id: 'operation.store_sales.store_sales-on-run-end-0', status: 'success', message: null },
      { unique_id: 'model.store_sales.stg_fact_orders', status: 'skipped', message: null },
    ];

    const summary = summarizeRunResults(results);

    expect(summary.models).toEqual({ passed: 0, failed: 0, skipped: 1 });
    expect(summary.failures).toEqual([
      {
        uniqueId: 'operation.store_sales.store_sales-on-run-start-0',
        name: 'store_sales-on-run-start-0',
        status: 'error',
        message: 'boom',
      },
    ]);
  });
});

describe('runTransform pre-flight', () => {
  let lake: string;
  beforeEach(async () => {
    lake = await mkdtemp(path.join(os.tmpdir(), 'dbt-preflight-'));
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(lake, { recursive: true, force: true });
  });

  it('refuses a local run before the catalog exists, pointing at etl and crawl', async () => {
    await expect(runTransform({ target: 'local', lake })).rejects.toMatchObject({
      code: 'NO_WAREHOUSE',
      hint: expect.stringContaining('ops crawl'),
    });
  });

  it('names every missing Athena variable for --target aws', async () => {
    for (const name of ATHENA_ENV) vi.stubEnv(name, '');
    vi.stubEnv('ATHENA_REGION', 'eu-west-1');

    await expect(runTransform({ target: 'aws', lake })).rejects.toMatchObject({
      code: 'ATHENA_ENV_MISSING',
      message: expect.stringContaining(
        'ATHENA_S3_DATA_DIR, ATHENA_S3_STAGING_DIR, ATHENA_SCHEMA, ATHENA_WORKGROUP, STORE_SALES_GLUE_DATABASE',
      ),
    });
  });
});

describe('runDbt on a target folder another run holds', () => {
  it("leaves the other run's results alone until it releases the folder", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dbt-lock-'));
    try {
      const targetPath = path.join(dir, 'target');
      const results = path.join(targetPath, 'run_results.json');
      let run: Promise<unknown> | undefined;
      await withDirLock(targetPath, 'dbt-run.lock', async () => {
        // the other run's results, not yet read: a run starting now would delete them first
        await writeFile(results, '{"results": [], "elapsed_time": 0}');
        run = runDbt({ args: ['--version'], target: 'local', targetPath, logPath: path.join(dir, 'logs') });
        run.catch(() => {});
        await new Promise((r) => setTimeout(r, 1000));
        expect(await readFile(results, 'utf8')).toContain('"results"');
      });
      // then it runs: dbt rejects `--version` with runDbt's own options and writes no run_results.json,
      // and the stale one is gone, so the run rejects
      await expect(run).rejects.toThrow(/without results/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
