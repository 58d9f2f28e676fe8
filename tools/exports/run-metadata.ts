import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DbtStatusCounts, RunMetadata } from '../../contracts/csv-exports.js';
import { DBT_PROJECT_DIR, recordedBuilds, withDbtTargetLock } from '../engines/dbt-runner.js';
import { readEtlState } from '../etl/etl-state.js';

/** One node of dbt's run_results.json (the fields read here). */
interface RunResultNode {
  unique_id: string;
  status: string;
}

const zero = (): DbtStatusCounts => ({ passed: 0, warned: 0, failed: 0, skipped: 0 });

// dbt's node statuses: models succeed or error, tests pass, warn, fail or error.
const STATUS: Record<string, keyof DbtStatusCounts> = {
  success: 'passed',
  pass: 'passed',
  warn: 'warned',
  skipped: 'skipped',
  'no-op': 'skipped',
};

/** When a build that ended at `generatedAt` after `elapsedSeconds` started, if both are known. */
function startedAt(
  generatedAt: string | undefined,
  elapsedSeconds: number | undefined,
): { started_at?: string } {
  const end = generatedAt ? Date.parse(generatedAt) : Number.NaN;
  if (!Number.isFinite(end) || typeof elapsedSeconds !== 'number') return {};
  return { started_at: new Date(end - elapsedSeconds * 1000).toISOString() };
}

/**
 * The summary of a dbt run_results.json: counts per node kind and status (warnings apart from
 * failures, unlike `ops transform`'s pass/fail summary) and the nodes that warned or failed.
 * Null when the file is missing or unreadable: the dashboard then says "no dbt results".
 */
export async function dbtResultsSummary(runResultsFile: string): Promise<RunMetadata['dbt']> {
  let parsed: { metadata?: { generated_at?: string }; elapsed_time?: number; results?: RunResultNode[] };
  try {
    parsed = JSON.parse(await readFile(runResultsFile, 'utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed.results)) return null;
  const counts = { model: zero(), test: zero(), unit_test: zero() };
  const problems: { name: string; status: string }[] = [];
  for (const r of parsed.results) {
    const kind = r.unique_id.split('.')[0] as keyof typeof counts;
    if (!counts[kind]) continue;
    const status = STATUS[r.status] ?? 'failed';
    counts[kind][status] += 1;
    if (status === 'warned' || status === 'failed') {
      problems.push({ name: r.unique_id.split('.').slice(2).join('.'), status: r.status });
    }
  }
  return {
    generated_at: parsed.metadata?.generated_at ?? '',
    ...startedAt(parsed.metadata?.generated_at, parsed.elapsed_time),
    models: counts.model,
    data_tests: counts.test,
    unit_tests: counts.unit_test,
    problems,
  };
}

/**
 * The latest `processedAt` of the lake's ETL state, or its `retiredAt` (a run that removed a
 * deleted file's facts) if later; null when the ETL never ran there. A file that failed and never
 * loaded (no facts of it published) brought no data: left out.
 */
export async function lastEtlRun(lake: string): Promise<string | null> {
  const state = await readEtlState(lake);
  const times = Object.values(state.sources)
    .filter((s) => !(s.failed && !s.files.length))
    .map((s) => s.processedAt);
  if (state.retiredAt) times.push(state.retiredAt);
  return times.length ? times.sort().at(-1)! : null;
}

/**
 * The run metadata written beside the CSVs: now, the lake's last ETL run (the local ETL state;
 * `lake` is left out where the target keeps none, e.g. the Lambda on AWS: null) and the last dbt build of `dbtArtifactsDir` (default
 * dbt/, where `ops transform` writes target/run_results.json) if it built `builds`.
 */
export async function runMetadata(opts: {
  /** The lake whose ETL state gives the last ETL run; none where the target keeps no state there. */
  lake?: string;
  dbtArtifactsDir?: string;
  /**
   * What the exported models' build built (the target's `dbt.describe`): results recorded for
   * anything else (another lake's warehouse, another target) are not this export's, so none are
   * given (null). Unset: whatever the folder holds.
   */
  builds?: string;
  now?: Date;
}): Promise<RunMetadata> {
  const target = path.join(opts.dbtArtifactsDir ?? DBT_PROJECT_DIR, 'target');
  const results = async () =>
    opts.builds === undefined || (await recordedBuilds(target)) === opts.builds
      ? dbtResultsSummary(path.join(target, 'run_results.json'))
      : null;
  return {
    refreshed_at: (opts.now ?? new Date()).toISOString(),
    last_etl_run: opts.lake ? await lastEtlRun(opts.lake) : null,
    // after any dbt run in progress there (no target folder: no dbt run ever, and none to wait for)
    dbt: existsSync(target) ? await withDbtTargetLock(target, results) : null,
  };
}
