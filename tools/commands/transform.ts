import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import { athenaDbtEnv, fillEnv } from '../aws/dbt-env.js';
import { type AwsArgs, awsConfigFrom, withAwsOptions } from '../aws/options.js';
import { DBT_PROJECT_DIR, type DbtRunSummary, type DbtTarget, runDbt } from '../engines/dbt-runner.js';
import { OpsError } from '../lib/errors.js';
import { lakePath } from '../lib/lake-path.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';
import { ensurePythonEnv } from '../scripts/ensure-python.js';

/** What dbt/profiles.yml's athena target and sources.yml read on `--target aws`. */
export const ATHENA_ENV = [
  'ATHENA_REGION',
  'ATHENA_S3_STAGING_DIR',
  'ATHENA_SCHEMA',
  'ATHENA_WORKGROUP',
  'STORE_SALES_GLUE_DATABASE',
] as const;

export interface TransformOptions extends LakeOptions {
  /**
   * Folder for dbt's `target/` (compiled SQL, run_results.json) and `logs/`; default the project
   * folder dbt/. Runs that may overlap (tests, benchmarks) each need their own.
   */
  artifactsDir?: string;
  /** Receives dbt's progress lines; default: copied to stderr. */
  onLine?: (line: string) => void;
}

const count = (c: { passed: number; failed: number; skipped: number }): string =>
  `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;

/**
 * `dbt build` (models, data tests, unit tests) on a target: locally dbt-duckdb on
 * `<lake>/warehouse.duckdb`, whose fact views `ops crawl` made; on aws dbt-athena over the Glue
 * tables, configured by the ATHENA_* variables. Creates the pinned `.venv` first if needed.
 * Resolves with the run's summary; throws OpsError DBT_BUILD_FAILED naming the failing nodes.
 * Locally, nothing else may hold the warehouse open for writing while it runs.
 */
export async function runTransform(opts: TransformOptions): Promise<DbtRunSummary> {
  const dbtTarget: DbtTarget = opts.target === 'aws' ? 'athena' : 'local';
  const warehouse = lakePath(opts.lake, LAKE.warehouse);
  if (dbtTarget === 'local' && !existsSync(warehouse)) {
    throw new OpsError('NO_WAREHOUSE', `no catalog at ${warehouse}`, 'run `ops etl` and `ops crawl` first');
  }
  if (dbtTarget === 'athena') {
    const missing = ATHENA_ENV.filter((name) => !process.env[name]);
    if (missing.length) {
      throw new OpsError(
        'ATHENA_ENV_MISSING',
        `--target aws needs ${missing.join(', ')}`,
        'pass --outputs-file (the stack outputs) or the --workgroup/--database/--results-bucket flags, or export the variables (README, "Running on AWS")',
      );
    }
  }
  ensurePythonEnv('dbt');
  const artifacts = opts.artifactsDir ?? DBT_PROJECT_DIR;
  const logFile = path.join(artifacts, 'logs', 'dbt.log');
  const summary = await runDbt({
    args: ['build'],
    target: dbtTarget,
    targetPath: path.join(artifacts, 'target'),
    logPath: path.join(artifacts, 'logs'),
    ...(dbtTarget === 'local' ? { warehouse } : {}),
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
  }).catch((err: unknown) => {
    const message = (err as Error).message;
    const hint = /Could not set lock on file/.test(message)
      ? 'another process holds the warehouse open (an ops command, a DuckDB shell); retry when it has finished'
      : `see ${logFile}`;
    throw new OpsError('DBT_FAILED', message, hint, { cause: err });
  });
  if (!summary.ok) {
    const failed = summary.failures.map((f) => `${f.name} (${f.status})`);
    throw new OpsError(
      'DBT_BUILD_FAILED',
      `dbt build failed: ${failed.join(', ') || `dbt exited ${summary.exitCode}`}`,
      `the messages above say why; each failing test's SQL is under ${path.join(artifacts, 'target', 'compiled')}, the log in ${logFile}`,
    );
  }
  return summary;
}

/** One line for `ops pipeline`'s summary. */
export const describeTransform = (s: DbtRunSummary): string =>
  `models ${count(s.models)}; tests ${count(s.tests)}; unit tests ${count(s.unitTests)}`;

/** `ops transform [--target local|aws]`: `dbt build` on the target and a count of what passed. */
export const transformCommand: CommandModule<object, LakeOptions & AwsArgs> = {
  command: 'transform',
  describe: 'run `dbt build` (staging views, mart tables, their tests) on the target',
  builder: (y) =>
    withAwsOptions(withLakeOptions(y), { waits: false })
      .example('$0 transform', 'dbt build on lake/warehouse.duckdb (after `ops crawl`)')
      .example('$0 transform --target aws', 'dbt build --target athena over the Glue tables')
      .epilogue(
        `Runs .venv/bin/dbt build --project-dir dbt --profiles-dir dbt. --target aws fills ${ATHENA_ENV.join(', ')} ` +
          'from the flags or the stack outputs unless already set (and ATHENA_DATABASE, default awsdatacatalog). ' +
          'Compiled SQL and run_results.json: dbt/target; log: dbt/logs.',
      ),
  handler: async (opts) => {
    const start = performance.now();
    // Unset ATHENA_* / STORE_SALES_GLUE_DATABASE come from the stack (flags, env, outputs file).
    if (opts.target === 'aws') fillEnv(process.env, athenaDbtEnv(await awsConfigFrom(opts)));
    const s = await runTransform(opts);
    printSummary(`transform done in ${elapsed(start)} (dbt run ${s.dbtSeconds.toFixed(2)} s)`, {
      target: opts.target === 'aws' ? 'athena (dbt-athena)' : `duckdb ${lakePath(opts.lake, LAKE.warehouse)}`,
      models: count(s.models),
      'data tests': count(s.tests),
      'unit tests': count(s.unitTests),
      results: path.join(DBT_PROJECT_DIR, 'target', 'run_results.json'),
      log: path.join(DBT_PROJECT_DIR, 'logs', 'dbt.log'),
    });
  },
};
