import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The signals that end an `ops` command from outside: `kill`, a CI timeout or a service manager
 * (SIGTERM), Ctrl-C or `kill -INT` (SIGINT), a closed terminal (SIGHUP). Node's default is to die
 * at once, which leaves the command's children running on their own: a dbt build that keeps the
 * warehouse locked and its target folder busy, ETL workers that finish their file for nobody.
 */
const ENDING_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** How long a child gets to exit after the signal before it is SIGKILLed. */
const DEFAULT_GRACE_MS = 10_000;

const live = new Map<ChildProcess, number>();
let installed = false;
let stopping = false;

/** Whether this process is stopping on a signal: callers start no more children (the ETL pool). */
export const stoppingOnSignal = (): boolean => stopping;

/**
 * Ties `child` to this process: if this process is told to stop (SIGTERM, SIGINT, SIGHUP) while
 * the child runs, the child gets the same signal, then SIGKILL after `graceMs` (or at once on a
 * second signal), and this process ends by the signal only once its children are gone, so a
 * shell or CI sees the usual status (143 for SIGTERM). The handlers exist only while such a child
 * runs: without one, the signals keep Node's default. Returns the child.
 *
 * Start the child `detached` (a process group of its own): a terminal's Ctrl-C signals its whole
 * foreground group, and a child in that group would get SIGINT twice, from the terminal and from
 * here, which cuts a clean stop short (dbt cancelling its open queries on Trino or Athena). In its
 * own group the child gets every signal from here alone, once, however it was sent.
 */
export function endWithThisProcess<C extends ChildProcess>(
  child: C,
  { graceMs = DEFAULT_GRACE_MS }: { graceMs?: number } = {},
): C {
  if (!running(child)) return child;
  if (stopping) {
    // started after the signal (a pool replacing a worker that just exited): it goes at once
    child.kill('SIGKILL');
    return child;
  }
  if (!installed) {
    for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
    installed = true;
  }
  live.set(child, graceMs);
  const forget = () => {
    live.delete(child);
    if (live.size === 0 && !stopping) removeHandlers();
  };
  // A child that could not be started has no pid and is never tracked; one that has will exit.
  child.once('exit', forget);
  return child;
}

const running = (child: ChildProcess): boolean =>
  child.pid !== undefined && child.exitCode === null && child.signalCode === null;

function removeHandlers(): void {
  for (const signal of ENDING_SIGNALS) process.off(signal, onSignal);
  installed = false;
}

const exited = (child: ChildProcess): Promise<void> =>
  running(child) ? new Promise((resolve) => child.once('exit', () => resolve())) : Promise.resolve();

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // A second Ctrl-C: stop waiting.
    for (const child of live.keys()) child.kill('SIGKILL');
    return;
  }
  stopping = true;
  const children = [...live];
  await Promise.all(
    children.map(async ([child, graceMs]) => {
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      if ((await Promise.race([exited(child), late])) === 'late') child.kill('SIGKILL');
      clearTimeout(timer);
      await exited(child);
    }),
  );
  removeHandlers();
  // Without a handler the signal takes Node's default: this process ends by it.
  process.kill(process.pid, signal);
}

/** util-linux's setpriv (Linux), which can ask the kernel to signal a process when its parent dies. */
const SETPRIV = '/usr/bin/setpriv';

let setprivWorks: boolean | undefined;

/** Whether setpriv is there and knows --pdeathsig (util-linux 2.33 and later), tried once. */
function setprivHasPdeathsig(): boolean {
  setprivWorks ??=
    existsSync(SETPRIV) && spawnSync(SETPRIV, ['--pdeathsig', 'SIGTERM', '--', 'true']).status === 0;
  return setprivWorks;
}

/**
 * `[command, args]` to spawn so that the child is sent SIGTERM if this process dies without
 * passing a signal on (SIGKILL, the OOM killer): `setpriv --pdeathsig SIGTERM -- command …`,
 * which sets the child's parent-death signal and then execs the command in place (same pid).
 * endWithThisProcess covers the signals this process can catch; this covers the one it cannot,
 * so a dbt build does not go on holding the warehouse for nobody. Unchanged where setpriv is
 * missing or too old for --pdeathsig (not Linux, util-linux before 2.33), or for a command path
 * that does not exist (spawn's own ENOENT stays the error, not setpriv's).
 */
export function diesWithThisProcess(command: string, args: readonly string[]): [string, string[]] {
  if ((command.includes('/') && !existsSync(command)) || !setprivHasPdeathsig()) return [command, [...args]];
  return [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', command, ...args]];
}
