import path from 'node:path';
import type { CommandModule } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';
import { ATHENA_ENV } from '../aws/dbt-env.js';
import { DBT_PROJECT_DIR, type DbtRunSummary, dbtRunFailure, runDbt } from '../engines/dbt-runner.js';
import { describeDuplicates, findDuplicateOrders } from '../exports/duplicate-orders.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { ensurePythonEnvs } from '../scripts/ensure-python.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

export interface TransformOptions extends LakeOptions {
  /**
   * Folder for dbt's `target/` (compiled SQL, run_results.json) and `logs/`; default the project
   * folder dbt/. Runs that may overlap (tests, benchmarks) each need their own.
   */
  artifactsDir?: string;
  /** Receives dbt's progress lines; default: kept, and printed to stderr only if dbt fails. */
  onLine?: (line: string) => void;
  /**
   * `dbt build --full-refresh`: the models built incrementally by month are rebuilt whole (after
   * re-processing old months in bulk, or on Athena to drop the partition of a month whose orders
   * are all gone, which Athena cannot delete).
   */
  fullRefresh?: boolean;
  /**
   * A dbt selection (`--select`) instead of the whole project: tests that exercise only part of
   * it (the staging tests' month scope) build just that part, at half the time of a whole build.
   */
  select?: string[];
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
  const dbt = targetFor(opts.target).dbt;
  const { warehouse } = dbt.preflight(opts);
  await ensurePythonEnvs('dbt');
  const artifacts = opts.artifactsDir ?? DBT_PROJECT_DIR;
  const logFile = path.join(artifacts, 'logs', 'dbt.log');
  const args = [
    'build',
    ...(opts.fullRefresh ? ['--full-refresh'] : []),
    ...(opts.select?.length ? ['--select', ...opts.select] : []),
  ];
  // one line while dbt runs; its own output goes to the log (and to stderr only if it fails)
  const summary = await runDbt({
    args,
    // after any wait for another dbt run: the line says dbt itself is running
    ...(opts.onLine
      ? {}
      : {
          onStart: () =>
            progress(`transform: dbt ${args.join(' ')} --target ${dbt.profile} running; log: ${logFile}`),
        }),
    target: dbt.profile,
    builds: await dbt.describe(opts),
    targetPath: path.join(artifacts, 'target'),
    logPath: path.join(artifacts, 'logs'),
    ...(warehouse ? { warehouse } : {}),
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
  }).catch((err: unknown) => {
    throw dbtRunFailure(err, 'DBT_FAILED', (err as Error).message, `see ${logFile}`);
  });
  if (!summary.ok) {
    const failed = summary.failures.map((f) => `${f.name} (${f.status})`);
    const duplicates = summary.failures.some((f) => /unique/.test(f.name)) ? await duplicatesIn(opts) : '';
    throw new OpsError(
      'DBT_BUILD_FAILED',
      `dbt build failed: ${failed.join(', ') || `dbt exited ${summary.exitCode}`}${duplicates}`,
      `the messages above say why; each failing test's SQL is under ${path.join(artifacts, 'target', 'compiled')}, the log in ${logFile}`,
    );
  }
  return summary;
}

/**
 * After a failed uniqueness test: which raw files hold the order_ids loaded twice, from the facts
 * (empty when there are none, or the facts cannot be read: the dbt failure stands on its own).
 */
async function duplicatesIn(opts: TransformOptions): Promise<string> {
  try {
    const report = await targetFor(opts.target).withQueryEngine(opts, { readOnly: true }, (e) =>
      findDuplicateOrders(e),
    );
    return report.count ? `; ${describeDuplicates(report)}` : '';
  } catch {
    return '';
  }
}

/** One line for `ops pipeline`'s summary. */
export const describeTransform = (s: DbtRunSummary): string =>
  `models ${count(s.models)}; tests ${count(s.tests)}; unit tests ${count(s.unitTests)}`;

/** `ops transform [--target local|aws] [--full-refresh]`: `dbt build` on the target and a count of what passed. */
export const transformCommand: CommandModule<object, LakeOptions & { 'full-refresh': boolean }> = {
  command: 'transform',
  describe: 'run `dbt build` (staging views, mart tables, their tests) on the target',
  builder: (y) =>
    withTargetOptions(y, { waits: false })
      .option('full-refresh', {
        type: 'boolean',
        default: false,
        describe: 'rebuild the models built incrementally by month whole (dbt build --full-refresh)',
      })
      .example('$0 transform', 'dbt build on lake/warehouse.duckdb (after `npx ops crawl`)')
      .example('$0 transform --full-refresh', 'the same, every incremental model rebuilt from all months')
      .example('$0 transform --target aws', 'dbt build --target athena over the Glue tables')
      .epilogue(
        `Runs .venv/bin/dbt build --project-dir dbt --profiles-dir dbt. --target aws fills ${ATHENA_ENV.join(', ')} ` +
          'from the flags or the stack outputs unless already set (and ATHENA_DATABASE, default awsdatacatalog). ' +
          'Compiled SQL and run_results.json: dbt/target; log: dbt/logs.',
      ),
  handler: async (opts) => {
    const start = performance.now();
    const dbt = targetFor(opts.target).dbt;
    await dbt.configure(opts);
    const s = await runTransform({ ...opts, fullRefresh: opts['full-refresh'] });
    printSummary(`transform done in ${elapsed(start)} (dbt run ${s.dbtSeconds.toFixed(2)} s)`, {
      target: await dbt.describe(opts),
      models: count(s.models),
      'data tests': count(s.tests),
      'unit tests': count(s.unitTests),
      results: path.join(DBT_PROJECT_DIR, 'target', 'run_results.json'),
      log: path.join(DBT_PROJECT_DIR, 'logs', 'dbt.log'),
    });
  },
};
