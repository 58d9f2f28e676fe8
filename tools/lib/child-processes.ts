import {
  type ChildProcess,
  type ForkOptions,
  fork,
  type SpawnOptions,
  spawn,
  spawnSync,
} from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The signals that end an `ops` command from outside: `kill`, a CI timeout or a service manager
 * (SIGTERM), Ctrl-C or `kill -INT` (SIGINT), Ctrl-\ (SIGQUIT), a closed terminal (SIGHUP). Node's
 * default is to die at once, which leaves the command's children running on their own: a dbt
 * build that keeps the warehouse locked and its target folder busy, ETL workers that finish their
 * file for nobody.
 */
const ENDING_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP'] as const;

/** How long a child gets to exit after the signal before it is SIGKILLed. */
const DEFAULT_GRACE_MS = 10_000;

/**
 * A signal this soon after the first is the same request delivered twice, not a second Ctrl-C: a
 * wrapper that passes signals on (tsx's CLI, some process managers) adds its copy to the
 * terminal's, ~30 ms apart as measured here. Only a later one means "stop waiting".
 */
const REPEAT_WINDOW_MS = 1_000;

const live = new Map<ChildProcess, number>();
/** How to stop what runs beside the children (stopWithThisProcess). */
const stoppers = new Set<() => Promise<void>>();
/** Ends the wait for the stoppers (a second signal). */
let stopWaiting: (() => void) | undefined;
let installed = false;
let stoppingSince: number | undefined;

/** Whether this process is stopping on a signal: callers start no more children (the ETL pool). */
export const stoppingOnSignal = (): boolean => stoppingSince !== undefined;

/**
 * Starts `command` tied to this process: in a session of its own (`detached`), through
 * diesWithThisProcess and endWithThisProcess. The one way `ops` starts a process it waits for.
 */
export function spawnTied(
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'detached'> & { graceMs?: number } = {},
): ChildProcess {
  const { graceMs, ...spawnOptions } = options;
  return endWithThisProcess(
    spawn(...diesWithThisProcess(command, args), { ...spawnOptions, detached: true }),
    { graceMs },
  );
}

/**
 * `fork(script)` tied to this process as spawnTied ties a command; Node itself starts through
 * setpriv. `execArgv` defaults to none, not this process's (its loaders would only cost).
 */
export function forkTied(
  script: string | URL,
  options: Omit<ForkOptions, 'detached' | 'execPath'> = {},
): ChildProcess {
  const [execPath, prefix] = diesWithThisProcess(process.execPath, []);
  return endWithThisProcess(
    fork(script, [], {
      ...options,
      execPath,
      execArgv: [...prefix, ...(options.execArgv ?? [])],
      detached: true,
    }),
  );
}

/**
 * Ties `child` to this process: if this process is told to stop (SIGTERM, SIGINT, SIGQUIT,
 * SIGHUP) while the child runs, the child gets the same signal (SIGQUIT as SIGTERM: PASSED_ON_AS),
 * then SIGKILL after `graceMs` (or
 * at once on a second signal a second or more later), and this process ends by the signal only
 * once its children are gone, so a shell or CI sees the usual status (143 for SIGTERM). Ctrl-Z
 * stops the children with this process (onPause). The handlers exist only while such a
 * child runs: without one, the signals keep Node's default. Returns the child.
 *
 * Start the child `detached` (spawnTied, forkTied): a session and process group of its own. A
 * terminal's Ctrl-C signals its whole foreground group, and a child in that group would get
 * SIGINT twice, from the terminal and from here, which cuts a clean stop short (dbt cancelling
 * its open queries on Trino or Athena). In its own session the child gets every signal from here
 * alone, once, however it was sent. The price: a signal sent to this process's group (`kill --
 * -PGID`, `timeout -k`) does not reach the children directly, only through this process; SIGKILL
 * to the group reaches them through the parent-death signal (diesWithThisProcess), on Linux only.
 */
function endWithThisProcess<C extends ChildProcess>(
  child: C,
  { graceMs = DEFAULT_GRACE_MS }: { graceMs?: number } = {},
): C {
  if (!running(child)) return child;
  if (stoppingSince !== undefined) {
    // started after the signal (a pool replacing a worker that just exited): it goes at once
    child.kill('SIGKILL');
    return child;
  }
  installHandlers();
  live.set(child, graceMs);
  const forget = () => {
    live.delete(child);
    removeHandlersWhenIdle();
  };
  // A child that could not be started has no pid and is never tracked; one that has will exit.
  child.once('exit', forget);
  return child;
}

/**
 * Registers how to stop something this process runs that is not a child it started (the
 * dashboard's Chromium, which Playwright starts): on SIGTERM, SIGINT, SIGQUIT or SIGHUP, `stop` is
 * awaited (at most the grace period) with the children's exits, before this process ends by the
 * signal. Returns the unregister, to call once the thing has stopped on its own.
 */
export function stopWithThisProcess(stop: () => Promise<void>): () => void {
  if (stoppingSince !== undefined) {
    void stop().catch(() => undefined);
    return () => undefined;
  }
  installHandlers();
  stoppers.add(stop);
  return () => {
    stoppers.delete(stop);
    removeHandlersWhenIdle();
  };
}

function installHandlers(): void {
  if (installed) return;
  for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
  process.on('SIGTSTP', onPause);
  process.on('SIGCONT', onContinue);
  installed = true;
}

function removeHandlersWhenIdle(): void {
  if (live.size === 0 && stoppers.size === 0 && stoppingSince === undefined) removeHandlers();
}

const running = (child: ChildProcess): boolean =>
  child.pid !== undefined && child.exitCode === null && child.signalCode === null;

function removeHandlers(): void {
  for (const signal of ENDING_SIGNALS) process.off(signal, onSignal);
  process.off('SIGTSTP', onPause);
  process.off('SIGCONT', onContinue);
  installed = false;
}

const exited = (child: ChildProcess): Promise<void> =>
  running(child) ? new Promise((resolve) => child.once('exit', () => resolve())) : Promise.resolve();

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (stoppingSince !== undefined) {
    // the same request delivered twice is ignored; a second Ctrl-C later on: stop waiting
    if (performance.now() - stoppingSince < REPEAT_WINDOW_MS) return;
    for (const child of live.keys()) child.kill('SIGKILL');
    stopWaiting?.();
    return;
  }
  stoppingSince = performance.now();
  const children = [...live];
  // a second signal: stop waiting for the stoppers too, as for the children it SIGKILLs
  const secondSignal = new Promise<void>((resolve) => {
    stopWaiting = resolve;
  });
  await Promise.all([
    ...children.map(async ([child, graceMs]) => {
      child.kill(PASSED_ON_AS[signal] ?? signal);
      const cancel = afterRunningFor(graceMs, () => child.kill('SIGKILL'));
      await exited(child);
      cancel();
    }),
    ...[...stoppers].map((stop) =>
      Promise.race([
        stop().catch(() => undefined),
        new Promise<void>((resolve) => afterRunningFor(DEFAULT_GRACE_MS, resolve)),
        secondSignal,
      ]),
    ),
  ]);
  removeHandlers();
  // Without a handler the signal takes Node's default: this process ends by it.
  process.kill(process.pid, signal);
}

/**
 * SIGQUIT's default is a core dump, and nothing `ops` runs handles it: the children get SIGTERM
 * (this process still ends by SIGQUIT).
 */
const PASSED_ON_AS: Partial<Record<NodeJS.Signals, NodeJS.Signals>> = { SIGQUIT: 'SIGTERM' };

/** Milliseconds this process has spent stopped by Ctrl-Z. */
let stoppedMs = 0;

/**
 * Calls `then` once this process has run for `ms` (time stopped by Ctrl-Z does not count: a
 * child's grace period is not used up while both are stopped); returns a cancel.
 */
function afterRunningFor(ms: number, then: () => void): () => void {
  const start = performance.now();
  const stoppedAtStart = stoppedMs;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const left = ms - (performance.now() - start - (stoppedMs - stoppedAtStart));
    if (left <= 0) then();
    else timer = setTimeout(check, left);
  };
  check();
  return () => clearTimeout(timer);
}

/** Sends `signal` to the process group `child` leads (it was started detached), so its own children get it too. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // gone
  }
}

/** SIGCONTs received (the shell's `fg`/`bg`), so a pause can tell it was already undone. */
let resumes = 0;
let pausePending = false;

function onContinue(): void {
  resumes += 1;
}

/**
 * Ctrl-Z. Acted on once the signals already queued are handled: a wrapper in the same process
 * group (npm, sh) stops at once, and if this process was busy, the shell's `fg` (SIGCONT) may
 * already be queued behind the SIGTSTP; stopping then would leave it stopped in the foreground.
 */
function onPause(): void {
  if (pausePending) return;
  pausePending = true;
  const seen = resumes;
  setImmediate(() => {
    pausePending = false;
    if (resumes === seen && installed) pauseWithChildren();
  });
}

/**
 * The children, in sessions of their own, are out of the terminal's reach, and the kernel would
 * drop a SIGTSTP sent to them (an orphaned process group, which a session of its own is): each
 * child's group gets SIGSTOP. Then this process re-raises SIGTSTP without its handler, so the
 * kernel applies its own rules: it stops here until `fg`/`bg` (SIGCONT), or drops the signal
 * where there is no job control to resume it (an orphaned process group: `script -c`, `ssh host
 * cmd`; pid 1). Either way the children go on when this process does, and the time stopped is not
 * taken from their grace periods.
 */
function pauseWithChildren(): void {
  for (const child of live.keys()) signalGroup(child, 'SIGSTOP');
  const start = performance.now();
  process.off('SIGTSTP', onPause);
  process.kill(process.pid, 'SIGTSTP');
  process.on('SIGTSTP', onPause);
  stoppedMs += performance.now() - start;
  for (const child of live.keys()) signalGroup(child, 'SIGCONT');
}

/** util-linux's setpriv (Linux), which can ask the kernel to signal a process when its parent dies. */
const SETPRIV = '/usr/bin/setpriv';

let setprivWorks: boolean | undefined;

/**
 * Whether setpriv is there and knows --pdeathsig (util-linux 2.33 and later). Tried once; an
 * attempt that could not run at all (spawnSync's own error, e.g. EAGAIN) is not remembered.
 */
function setprivHasPdeathsig(): boolean {
  if (setprivWorks === undefined) {
    if (!existsSync(SETPRIV)) setprivWorks = false;
    else {
      const probe = spawnSync(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', '/bin/true'], { stdio: 'ignore' });
      if (probe.error) return false;
      setprivWorks = probe.status === 0;
    }
  }
  return setprivWorks;
}

/**
 * `[command, args]` to spawn so that the child is SIGKILLed if this process dies without passing
 * a signal on (SIGKILL, the OOM killer): `setpriv --pdeathsig SIGKILL -- command …`, which sets
 * the child's parent-death signal and then execs the command in place (same pid). SIGKILL, not
 * SIGTERM: nothing `ops` runs handles SIGTERM (dbt, Node workers and tar die by its default just
 * the same), and SIGKILL also ends a child stopped by Ctrl-Z, where a SIGTERM would wait for a
 * SIGCONT that nobody sends once this process is gone. It reaches the child alone: a process the
 * child started itself and that is stopped with it would stay stopped (none of today's children
 * starts one that outlives it).
 * endWithThisProcess covers the signals this process can catch; this covers the one it cannot,
 * so a dbt build does not go on holding the warehouse for nobody. Unchanged where setpriv is
 * missing or too old for --pdeathsig (not Linux, util-linux before 2.33), or for a command path
 * that does not exist (spawn's own ENOENT stays the error, not setpriv's).
 */
function diesWithThisProcess(command: string, args: readonly string[]): [string, string[]] {
  if ((command.includes('/') && !existsSync(command)) || !setprivHasPdeathsig()) return [command, [...args]];
  return [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args]];
}
