import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { OpsError } from '../../contracts/ops-error.js';
import { spawnTied, stoppingOnSignal } from '../lib/child-processes.js';
import { withDirLock } from '../lib/dir-lock.js';
import { fileSystemHint, LOCKED_BY_ANOTHER_PROCESS, REFUSED_BY_FILE_SYSTEM } from '../lib/errors.js';
import { progress } from '../lib/report.js';
import { venvBin } from '../scripts/ensure-python.js';
import { type RunResult, type RunResultsSummary, summarizeRunResults } from './dbt-results.js';

/** The dbt project folder (`dbt/` at the repository root); profiles.yml lives in it too. */
export const DBT_PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dbt');

/** A dbt profile target of dbt/profiles.yml: dbt-duckdb on the lake, dbt-athena or dbt-trino. */
export type DbtTarget = 'local' | 'athena' | 'trino';

export interface DbtRunOptions {
  /** The dbt sub-command and its own arguments, e.g. `['build']` or `['compile', '--no-populate-cache']`. */
  args: string[];
  target: DbtTarget;
  /** For `local`: the DuckDB file dbt-duckdb opens (exported as STORE_SALES_WAREHOUSE). */
  warehouse?: string;
  /** dbt's target folder (compiled SQL, run_results.json) and log folder; runs sharing one take turns. */
  targetPath: string;
  logPath: string;
  /**
   * What the run builds, where (the target's `dbt.describe`, e.g. `duckdb <lake>/warehouse.duckdb`):
   * recorded beside run_results.json, so a reader of the results can tell whose they are
   * (`recordedBuilds`). One target folder may serve several lakes and targets in turn.
   */
  builds?: string;
  /** Extra environment (Athena's ATHENA_* and STORE_SALES_GLUE_DATABASE). */
  env?: Record<string, string>;
  /**
   * Receives each line dbt prints (its own progress log). Default: nothing is shown while dbt
   * runs (its full log is `<logPath>/dbt.log`); if it fails, its failure report goes to stderr.
   */
  onLine?: (line: string) => void;
  /** Called once this run holds dbt's target folder, just before dbt starts (after any wait). */
  onStart?: () => void;
}

/** What one dbt invocation did, read from `run_results.json` (models include views and tables). */
export interface DbtRunSummary extends RunResultsSummary {
  ok: boolean;
  exitCode: number;
  /** dbt's own elapsed time for the run, seconds (excludes start-up and parsing). */
  dbtSeconds: number;
  /** Wall time of the whole process, seconds. */
  wallSeconds: number;
}

/**
 * Beside run_results.json: `{"builds": …, "invocation_id": …}`: what the run that wrote the file
 * built (`DbtRunOptions.builds`) and that run's invocation_id, so results a later dbt run wrote
 * (one run by hand in the same target folder) are not credited to it.
 */
const BUILDS_FILE = 'store_sales_builds.json';

/** dbt's id of the run whose results `run_results.json` of `targetPath` holds; undefined if none. */
async function resultsInvocation(targetPath: string): Promise<string | undefined> {
  try {
    const { metadata } = JSON.parse(await readFile(path.join(targetPath, 'run_results.json'), 'utf8'));
    return typeof metadata?.invocation_id === 'string' ? metadata.invocation_id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records that the results now in `targetPath` are a build of `builds` (`undefined`: nobody said,
 * the record is removed).
 */
export async function recordBuilds(targetPath: string, builds: string | undefined): Promise<void> {
  const file = path.join(targetPath, BUILDS_FILE);
  const invocation_id = await resultsInvocation(targetPath);
  if (builds === undefined || invocation_id === undefined) await rm(file, { force: true });
  else await writeFile(file, `${JSON.stringify({ builds, invocation_id })}\n`);
}

/** What the results in `targetPath` built, as their run's caller said; undefined if unrecorded. */
export async function recordedBuilds(targetPath: string): Promise<string | undefined> {
  try {
    const { builds, invocation_id } = JSON.parse(await readFile(path.join(targetPath, BUILDS_FILE), 'utf8'));
    const current = await resultsInvocation(targetPath);
    return typeof builds === 'string' && current !== undefined && invocation_id === current
      ? builds
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hint for a dbt run that failed with `message`: DuckDB's lock error (another process has the
 * warehouse open) and a path the file system refuses get their own, anything else `otherwise`.
 */
export const dbtFailureHint = (message: string, otherwise: string): string =>
  LOCKED_BY_ANOTHER_PROCESS.test(message)
    ? 'another process holds the warehouse open (an ops command, a DuckDB shell); retry when it has finished'
    : REFUSED_BY_FILE_SYSTEM.test(message)
      ? 'the file system refuses a file dbt writes: check the owner and mode of the lake folder, and that its disk is writable and has space'
      : otherwise;

/**
 * The error for a dbt run that could not run or finish (`runDbt` rejected with `err`): one the
 * file system raised here (a lock or log file refused) as it is, which the CLI reports as
 * FILE_SYSTEM; anything else as `code` with `message` and `dbtFailureHint`'s hint.
 */
export function dbtRunFailure(err: unknown, code: string, message: string, otherwise: string): Error {
  if (fileSystemHint((err as NodeJS.ErrnoException | undefined)?.code)) return err as Error;
  return new OpsError(code, message, dbtFailureHint((err as Error).message, otherwise), { cause: err });
}

/** dbt could not run at all (not installed, crashed before writing run_results.json). */
export class DbtRunError extends Error {
  override readonly name = 'DbtRunError';
  readonly code = 'DBT_RUN';
}

/**
 * Keeps what an error message needs from dbt's output: the line after "Encountered an error:"
 * (dbt's own one-line reason, which a long traceback follows) and the last lines.
 */
class OutputWatch {
  private readonly tail: string[] = [];
  private reason: string | undefined;
  private reasonNext = false;

  see(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 15) this.tail.shift();
    if (this.reasonNext && line.trim()) {
      this.reason = line.trim();
      this.reasonNext = false;
    }
    if (line.includes('Encountered an error:')) this.reasonNext = true;
  }

  describe(): string {
    return this.reason ?? this.tail.join('\n');
  }
}

/**
 * dbt's own account of a failed run, from its closing report ("Completed with N errors", or
 * "Encountered an error" when it could not run) to the end; the last lines if it has neither.
 */
function printFailureReport(lines: string[]): void {
  const from = lines.findIndex((l) => /Completed with \d+ error|Encountered an error/.test(l));
  const report = from >= 0 ? lines.slice(from) : lines.slice(-20);
  process.stderr.write(report.map((l) => `  dbt | ${l}\n`).join(''));
}

/**
 * Runs `.venv/bin/dbt <args> --project-dir dbt --profiles-dir dbt --target <target>` and reads
 * what it did from run_results.json. Resolves with `ok: false` when nodes failed (dbt exit 1);
 * rejects with DbtRunError when dbt could not run or produced no results (exit 2, crash).
 * Locally, the warehouse file must not be open for writing by another process (DuckDB locks it).
 */
export async function runDbt(options: DbtRunOptions): Promise<DbtRunSummary> {
  return withDbtTargetLock(options.targetPath, () => runDbtLocked(options));
}

/**
 * Runs `work` while no other run of runDbt uses dbt's target folder `targetPath`. One run at a
 * time per folder: a second run would delete or overwrite this run's run_results.json before it
 * is read (two `ops` commands, or test workers, sharing dbt/target); a reader of the file (the run
 * metadata beside the CSVs) waits for a run in progress.
 */
export function withDbtTargetLock<T>(targetPath: string, work: () => Promise<T>): Promise<T> {
  return withDirLock(targetPath, 'dbt-run.lock', work, () =>
    progress(`dbt: waiting for another dbt run using ${targetPath}`),
  );
}

async function runDbtLocked(options: DbtRunOptions): Promise<DbtRunSummary> {
  const { targetPath, logPath } = options;
  const resultsFile = path.join(targetPath, 'run_results.json');
  // A stale file from an earlier run must not be mistaken for this run's results.
  await rm(resultsFile, { force: true });
  await recordBuilds(targetPath, undefined);

  const args = [
    ...options.args,
    ...['--target', options.target, '--project-dir', DBT_PROJECT_DIR, '--profiles-dir', DBT_PROJECT_DIR],
    ...['--target-path', targetPath, '--log-path', logPath],
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', ...options.env };
  if (options.warehouse) env.STORE_SALES_WAREHOUSE = path.resolve(options.warehouse);

  const output = new OutputWatch();
  const kept: string[] = [];
  const onLine = options.onLine ?? ((line: string) => kept.push(line));
  options.onStart?.();
  const start = performance.now();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawnTied(venvBin('dbt', 'dbt'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // both piped (stdio above): never null
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        output.see(line);
        onLine(line);
      });
    }
    child.on('error', (err) => reject(new DbtRunError(`cannot start dbt: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallSeconds = (performance.now() - start) / 1000;
  // stopped by Ctrl-C: dbt's traceback of the interrupt is no failure to report
  if (exitCode !== 0 && !options.onLine && !stoppingOnSignal()) printFailureReport(kept);

  let parsed: { results: RunResult[]; elapsed_time: number };
  try {
    parsed = JSON.parse(await readFile(resultsFile, 'utf8'));
  } catch (err) {
    throw new DbtRunError(`dbt exited ${exitCode} without results: ${output.describe()}`, { cause: err });
  }
  await recordBuilds(targetPath, options.builds);
  const summary = summarizeRunResults(parsed.results);
  return {
    ...summary,
    ok: exitCode === 0 && summary.failures.length === 0,
    exitCode,
    dbtSeconds: parsed.elapsed_time,
    wallSeconds,
  };
}
