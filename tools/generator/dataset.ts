import { access } from 'node:fs/promises';
import os from 'node:os';
import { rawMonthKey } from '../../contracts/lake-keys.js';
import { OpsError } from '../../contracts/ops-error.js';
import { fileSystemHint } from '../lib/errors.js';
import { lakePath } from '../lib/lake-path.js';
import { type ChildTaskError, type PoolUsage, poolUsage, runInProcesses } from '../lib/process-pool.js';
import { monthOf, seasonOf, yearOf } from './calendar.js';
import { checkFxCoverage } from './fx-coverage.js';
import { type MonthFileResult, type MonthFileTask, runMonthFile } from './month-file.js';
import { checkSpec, type DatasetSpec, planCohorts } from './spec.js';

export interface GenerateOptions extends DatasetSpec {
  /** Local lake folder; files go to `raw/store_sales/orders_YYYY_MM.json` under it. */
  lake: string;
  /** Overwrite existing raw files whose content would change. */
  force: boolean;
  /**
   * Months generated at once, each in its own process (default: one per core from 20,000 orders,
   * else 1); 1 generates in this process. The files are the same whatever the number.
   */
  workers?: number;
  /** Called as orders stream (about every 1,400): orders generated so far and the expected total. */
  onProgress?: (orders: number, expected: number) => void;
}

export interface GenerateSummary {
  /** Orders in all files of the range, written or unchanged. */
  orders: number;
  /** Lake keys of the range, in month order, written or unchanged. */
  files: string[];
  /** Files that already held exactly this content and were left alone. */
  skipped: number;
  /** Size in bytes of all files of the range. */
  bytes: number;
  /** Worker processes the months were generated in (0: all in this process). */
  workers: number;
  /** Peak RSS of the busiest worker process, when the run used them. */
  workerMaxRssBytes?: number;
  /**
   * CPU seconds the worker processes took, when the run used them: this process's own CPU time
   * leaves theirs out.
   */
  workerCpuSeconds?: number;
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Writes one JSON Lines file per month of the spec into the lake. Re-running with the same
 * flags changes nothing (`skipped`); if any existing file would change, throws OpsError
 * `RAW_EXISTS` before writing anything, unless `force`. Each file is streamed to a temporary
 * sibling and renamed, so memory stays flat and no reader sees a partial file.
 */
export async function generateDataset(opts: GenerateOptions): Promise<GenerateSummary> {
  const { first, last } = checkSpec(opts);
  planCohorts(opts.ordersPerMonth, opts.seed, last); // fail on the id space before touching files
  await checkFxCoverage(opts.lake, first, last);
  const months = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const keys = months.map((m) => rawMonthKey(yearOf(m), monthOf(m)));
  const expected = Math.round(months.reduce((sum, m) => sum + opts.ordersPerMonth * seasonOf(m), 0));
  const perMonth = new Array<number>(months.length).fill(0); // orders generated so far, for progress
  let reported = 0;
  const progress = () => {
    const now = perMonth.reduce((a, b) => a + b, 0);
    if (now !== reported) opts.onProgress?.(now, expected);
    reported = now;
  };
  const spec: DatasetSpec = {
    from: opts.from,
    months: opts.months,
    ordersPerMonth: opts.ordersPerMonth,
    seed: opts.seed,
  };
  const run = async (indexes: number[], mode: MonthFileTask['mode']) => {
    const { results, pool } = await runMonths(
      indexes.map((i) => ({
        spec,
        month: months[i] as number,
        file: lakePath(opts.lake, keys[i] as string),
        mode,
      })),
      opts.workers ?? (expected >= PARALLEL_MIN_ORDERS ? os.availableParallelism() : 1),
      (task, orders) => {
        perMonth[indexes[task] as number] = orders;
        progress();
      },
    );
    if (pool) {
      // the check of existing files and the writing may each use workers: the larger pool counts
      summary.workers = Math.max(summary.workers, pool.workers);
      summary.workerMaxRssBytes = Math.max(summary.workerMaxRssBytes ?? 0, pool.maxRssBytes);
      summary.workerCpuSeconds = (summary.workerCpuSeconds ?? 0) + pool.cpuSeconds;
    }
    return results;
  };

  const summary: GenerateSummary = { orders: 0, files: keys, skipped: 0, bytes: 0, workers: 0 };
  const present: number[] = [];
  const toWrite: number[] = [];
  for (const [i] of months.entries()) {
    if (await exists(lakePath(opts.lake, keys[i] as string))) present.push(i);
    else toWrite.push(i);
  }
  const changed: string[] = [];
  for (const [n, check] of (await run(present, 'check')).entries()) {
    const i = present[n] as number;
    if (check.same) {
      summary.skipped++;
      summary.orders += check.orders;
      summary.bytes += check.bytes;
    } else {
      perMonth[i] = 0; // a changed file is generated again when written
      toWrite.push(i);
      changed.push(keys[i] as string);
    }
  }
  toWrite.sort((a, b) => a - b);
  if (changed.length && !opts.force) {
    throw new OpsError(
      'RAW_EXISTS',
      `${changed.length} raw file(s) already exist with different content (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}); nothing was written`,
      'pass --force to overwrite them, or choose another --lake',
    );
  }
  for (const written of await run(toWrite, 'write')) {
    summary.bytes += written.bytes;
    summary.orders += written.orders;
  }
  opts.onProgress?.(
    perMonth.reduce((a, b) => a + b, 0),
    expected,
  );
  return summary;
}

/** Below this many orders a run stays in this process: starting workers costs ~0.5 s each. */
const PARALLEL_MIN_ORDERS = 20_000;

/**
 * Runs month tasks in this process (one worker, or a single task) or across worker processes;
 * results in task order, and for worker processes how many ran, the busiest one's peak RSS and
 * their CPU seconds. A failing task fails the run with its error (OpsError code and hint kept).
 */
async function runMonths(
  tasks: MonthFileTask[],
  workers: number,
  onOrders: (task: number, orders: number) => void,
): Promise<{ results: MonthFileResult[]; pool?: PoolUsage }> {
  if (workers <= 1 || tasks.length <= 1) {
    const results: MonthFileResult[] = [];
    for (const [i, task] of tasks.entries()) results.push(await runMonthFile(task, (n) => onOrders(i, n)));
    return { results };
  }
  const outcomes = await runInProcesses<MonthFileTask, MonthFileResult, number>({
    script: new URL('./generate-worker.ts', import.meta.url),
    workers,
    tasks,
    // December (1.48 x an average month) starts first rather than last
    cost: (task) => seasonOf(task.month),
    onProgress: onOrders,
  });
  const results = outcomes.map((o) => {
    if (o.ok) return o.value;
    const e = o.error as ChildTaskError;
    // a file-system errno stays on the error itself, which the CLI reports as FILE_SYSTEM
    throw e.code && !fileSystemHint(e.code) ? new OpsError(e.code, e.message, e.hint) : e;
  });
  return { results, pool: poolUsage(outcomes, workers) };
}
