/**
 * A parent process for test/tools/lib/child-processes.test.ts, started with `node --import tsx`.
 * It starts children the way `ops` does, prints one JSON line `{"pid": <its own>}` once they run,
 * then waits to be signalled. Modes:
 * - `spawn <graceMs> <child script>…`: `node -e <script>` per script, each started with
 *   `spawnTied`; each signal sent to a child is logged on stderr as `kill <pid> <signal>`, each
 *   child's end as `exit <pid> <signal|code>` (SIGSTOP and SIGCONT go to the child's group with
 *   process.kill, unlogged: a child that wants to know logs them itself); SIGUSR2 makes this
 *   process busy for a second (its event loop blocked), after printing `busy` on stderr;
 * - `own-exit`: one child that exits by itself; prints the SIGTERM listener count while it runs
 *   and after, then waits (untied);
 * - `pool <workers> <tasks>`: `runInProcesses` with tasks that never finish (the ETL's worker pool);
 * - `dbt <target folder>`: `runDbt` (`dbt debug`, the real dbt of .venv).
 */
import { once } from 'node:events';
import { runDbt } from '../../tools/engines/dbt-runner.js';
import { spawnTied } from '../../tools/lib/child-processes.js';
import { runInProcesses } from '../../tools/lib/process-pool.js';

const [mode, ...args] = process.argv.slice(2);
const ready = () => process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`);
const waitForever = () => setInterval(() => undefined, 60_000);
/**
 * A child that tells it runs (its first stdout line), so the signal cannot come before its
 * handlers; started as ops starts its children.
 */
const nodeChild = (script: string, graceMs?: number) =>
  spawnTied(process.execPath, ['-e', `${script}; console.log('up')`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    graceMs,
  });

if (mode === 'spawn') {
  const [graceMs, ...scripts] = args;
  const children = scripts.map((s) => nodeChild(s, Number(graceMs)));
  for (const child of children) {
    // every signal this process sends a child, logged (signals can merge on arrival: a count the
    // child keeps cannot tell one from two sent at once)
    const kill = child.kill.bind(child);
    child.kill = (signal?: NodeJS.Signals | number) => {
      process.stderr.write(`kill ${child.pid} ${signal}\n`);
      return kill(signal);
    };
    child.on('exit', (code, signal) => process.stderr.write(`exit ${child.pid} ${signal ?? code}\n`));
    await once(child.stdout as NodeJS.ReadableStream, 'data');
  }
  process.on('SIGUSR2', () => {
    process.stderr.write('busy\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
  });
  process.stderr.write(`children ${children.map((c) => c.pid).join(' ')}\n`);
  ready();
  waitForever();
} else if (mode === 'own-exit') {
  const child = nodeChild('setTimeout(() => process.exit(0), 300)');
  process.stderr.write(`listeners while running ${process.listenerCount('SIGTERM')}\n`);
  await once(child, 'exit');
  process.stderr.write(`listeners after ${process.listenerCount('SIGTERM')}\n`);
  ready();
  waitForever();
} else if (mode === 'pool') {
  // `pool <workers> <tasks>`: more tasks than workers, so a stopped worker would be replaced
  const [workers, tasks] = args.map(Number) as [number, number];
  const script = new URL('./never-ending-task-worker.ts', import.meta.url);
  void runInProcesses({ script, workers, tasks: Array.from({ length: tasks }, (_, i) => i) });
  ready();
  waitForever();
} else if (mode === 'dbt') {
  const [target] = args as [string];
  void runDbt({
    args: ['debug'],
    target: 'local',
    targetPath: target,
    logPath: target,
    onLine: () => undefined,
  });
  ready();
  waitForever();
}
