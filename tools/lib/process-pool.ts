import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { workerScript } from '../../lambda/core/worker-script.js';
import { forkTied, stoppingOnSignal } from './child-processes.js';

/** Parent → child: run one task. */
interface TaskMessage<T> {
  id: number;
  task: T;
}

/**
 * Child → parent: progress of a task, its result (with the child's peak RSS so far and the CPU
 * the task took), or its error.
 */
type ReplyMessage<R, P> =
  | { id: number; progress: P }
  | { id: number; result: R; maxRssBytes: number; cpuSeconds: number }
  | { id: number; error: { message: string; name?: string; code?: string; hint?: string } };

/**
 * A task's outcome, the peak RSS of the process that ran it and the CPU seconds (user + system,
 * every thread of that process) the task took, its process's start-up included for the process's
 * first task: a parent's own CPU use leaves its workers' out. Both 0 for a task that failed.
 */
export type PoolOutcome<R> = ({ ok: true; value: R } | { ok: false; error: Error }) & {
  maxRssBytes: number;
  cpuSeconds: number;
};

/** What a run of the pool used: its worker processes, the busiest one's peak RSS, their CPU seconds. */
export interface PoolUsage {
  workers: number;
  maxRssBytes: number;
  cpuSeconds: number;
}

/** The usage of a pool of `workers` processes from its tasks' outcomes (one process per task at most). */
export function poolUsage(outcomes: readonly PoolOutcome<unknown>[], workers: number): PoolUsage {
  return {
    workers: Math.min(workers, outcomes.length),
    maxRssBytes: Math.max(0, ...outcomes.map((o) => o.maxRssBytes)),
    cpuSeconds: outcomes.reduce((sum, o) => sum + o.cpuSeconds, 0),
  };
}

/** An error thrown in a child process, with the code and hint it carried (OpsError, ETL errors). */
export class ChildTaskError extends Error {
  constructor(
    message: string,
    override readonly name: string,
    readonly code?: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface PoolOptions<T, P> {
  /** The child's entry point, a TypeScript module that calls `serveTasks` (bundled on the fly). */
  script: URL;
  /** Child processes to run at once (at most one per task). */
  workers: number;
  tasks: readonly T[];
  /**
   * A task's expected cost (e.g. its input bytes). Tasks start largest first, so the biggest one
   * does not start last and leave the other workers idle at the end (results stay in task order).
   */
  cost?: (task: T) => number;
  onProgress?: (taskIndex: number, progress: P) => void;
  /**
   * When the pool has a process per core, each child collects its garbage on its main thread
   * only (`--single-threaded-gc`: no parallel scavenging or marking, no concurrent marking or
   * sweeping on V8's background threads): with no core spare, that background work only competes
   * with the sibling processes. A smaller pool keeps it, on the cores left. Measured
   * (docs/scale.md): `ops etl`'s workers 15.6 -> 12.9 CPU-s on four monthly files on two cores,
   * for a busiest worker's peak RSS 221-230 -> 253-270 MiB; `ops generate`'s within the spread,
   * so it leaves this off.
   */
  singleThreadedGc?: boolean;
}

/**
 * Runs `tasks` across child processes, each task in one child, each child one task at a time;
 * resolves to every task's outcome in task order (a failing task does not stop the others).
 * Child processes, not threads: each has its own heap and its own RSS, so the memory bound of a
 * worker is the process's, and a crash takes down one task, not the run.
 */
export async function runInProcesses<T, R, P = never>(options: PoolOptions<T, P>): Promise<PoolOutcome<R>[]> {
  const script = workerScript(options.script);
  const outcomes: PoolOutcome<R>[] = new Array(options.tasks.length);
  const order = startOrder(options.tasks, options.cost);
  const size = Math.max(1, Math.min(options.workers, options.tasks.length));
  const execArgv =
    options.singleThreadedGc && size >= os.availableParallelism() ? ['--single-threaded-gc'] : [];
  let next = 0;
  const runChild = async (): Promise<void> => {
    let child: ChildProcess | undefined;
    try {
      // no new task once a signal is stopping this process (its children are being stopped)
      while (next < order.length && !stoppingOnSignal()) {
        const id = order[next++] as number;
        // No loader flags: the script is plain JS; the parent's loaders (tsx: ~100 MB and a thread)
        // would only cost.
        child ??= forkTied(script, {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          serialization: 'advanced',
          execArgv,
        });
        const outcome = await runTask<T, R, P>(child, id, options.tasks[id] as T, options.onProgress);
        outcomes[id] = outcome;
        if (!child.connected) child = undefined; // it died: the next task gets a new one
      }
    } finally {
      if (child?.connected) child.disconnect();
    }
  };
  await Promise.all(Array.from({ length: size }, runChild));
  return outcomes;
}

/** Task indexes in the order they start: by cost, largest first (ties in task order), or task order. */
export function startOrder<T>(tasks: readonly T[], cost?: (task: T) => number): number[] {
  const indexes = tasks.map((_, i) => i);
  if (!cost) return indexes;
  const costs = tasks.map(cost);
  return indexes.sort((a, b) => (costs[b] as number) - (costs[a] as number) || a - b);
}

function runTask<T, R, P>(
  child: ChildProcess,
  id: number,
  task: T,
  onProgress?: (taskIndex: number, progress: P) => void,
): Promise<PoolOutcome<R>> {
  return new Promise((resolve) => {
    const done = (outcome: PoolOutcome<R>) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = (m: ReplyMessage<R, P>) => {
      if (m.id !== id) return;
      if ('progress' in m) onProgress?.(id, m.progress);
      else if ('result' in m)
        done({ ok: true, value: m.result, maxRssBytes: m.maxRssBytes, cpuSeconds: m.cpuSeconds });
      else
        done({
          ok: false,
          error: new ChildTaskError(m.error.message, m.error.name ?? 'Error', m.error.code, m.error.hint),
          maxRssBytes: 0,
          cpuSeconds: 0,
        });
    };
    const onExit = (code: number | null, signal: string | null) =>
      done({
        ok: false,
        error: new Error(`worker process exited (${signal ?? `code ${code}`}) while running task ${id}`),
        maxRssBytes: 0,
        cpuSeconds: 0,
      });
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ id, task } satisfies TaskMessage<T>);
  });
}

/** What processes a child started for its tasks used so far (cumulative): the pool cannot see them. */
export interface HelperUsage {
  cpuSeconds: number;
  /** The sum of their peak RSS. */
  rssBytes: number;
}

/**
 * The child side: runs each task the parent sends with `handler` and replies with its result or
 * its error (name, message, code and hint survive the trip). One task at a time. A task's CPU
 * and peak RSS include what `helpers` reports its own child processes used during it.
 */
export function serveTasks<T, R, P = never>(
  handler: (task: T, progress: (p: P) => void) => Promise<R>,
  helpers: () => HelperUsage = () => ({ cpuSeconds: 0, rssBytes: 0 }),
): void {
  if (!process.send) throw new Error('serveTasks runs in a child process started by runInProcesses');
  const send = (m: ReplyMessage<R, P>) => process.send?.(m);
  // CPU up to the last reply: a task is charged what the process used since then, so the first
  // one carries the process's start-up (what a failed task used, and anything after the last
  // reply, is charged to no task)
  let counted: NodeJS.CpuUsage = { user: 0, system: 0 };
  let helped: HelperUsage = { ...helpers() };
  const cpuSinceLastReply = (): number => {
    const now = process.cpuUsage();
    const seconds = (now.user - counted.user + now.system - counted.system) / 1e6;
    counted = now;
    return seconds;
  };
  const helpersSinceLastReply = (): HelperUsage => {
    const now = helpers();
    const since = {
      cpuSeconds: now.cpuSeconds - helped.cpuSeconds,
      rssBytes: now.rssBytes - helped.rssBytes,
    };
    helped = { ...now };
    return since;
  };
  process.on('message', async ({ id, task }: TaskMessage<T>) => {
    try {
      const result = await handler(task, (progress) => send({ id, progress }));
      const helper = helpersSinceLastReply();
      send({
        id,
        result,
        maxRssBytes: process.resourceUsage().maxRSS * 1024 + helper.rssBytes,
        cpuSeconds: cpuSinceLastReply() + helper.cpuSeconds,
      });
    } catch (err) {
      // a failed task's CPU is not charged to the next one
      cpuSinceLastReply();
      helpersSinceLastReply();
      const e = err as Error & { code?: unknown; hint?: unknown };
      send({
        id,
        error: {
          message: e?.message ?? String(err),
          name: e?.name ?? 'Error',
          ...(typeof e?.code === 'string' ? { code: e.code } : {}),
          ...(typeof e?.hint === 'string' ? { hint: e.hint } : {}),
        },
      });
    }
  });
}
