import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processExists } from '../../../lambda/core/leftovers.js';

// `endWithThisProcess`: a signalled `ops` takes its children (dbt, ETL workers) with it. Each case
// runs test/support/tied-children-fixture.ts as a process of its own and signals it from here.

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
const FIXTURE = path.join(REPO, 'test', 'support', 'tied-children-fixture.ts');

interface Fixture {
  child: ChildProcess;
  pid: number;
  stderr: () => string;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Fixture[] = [];
const leftovers: number[] = [];
const temps: string[] = [];

afterEach(async () => {
  for (const pid of [...started.map((f) => f.pid), ...leftovers]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  started.length = 0;
  leftovers.length = 0;
  await Promise.all(temps.splice(0).map((t) => rm(t, { recursive: true, force: true })));
});

/**
 * How the fixture is started: `group`, a process group of its own in this session, as a shell
 * with job control starts a command (Ctrl-Z stops it); `session`, a session of its own, an
 * orphaned process group as under `script -c` or `ssh host cmd` (the kernel drops Ctrl-Z).
 * Either way with core dumps off: a process that ends by SIGQUIT dumps core where they are on.
 */
const LAUNCH = {
  group: 'os.setpgid(0, 0)',
  session: 'os.setsid()',
} as const;

/** Starts the fixture with `args` and resolves once it says its children run. */
async function fixture(...args: string[]): Promise<Fixture> {
  return fixtureIn('group', ...args);
}

async function fixtureIn(launch: keyof typeof LAUNCH, ...args: string[]): Promise<Fixture> {
  const argv = [process.execPath, '--import', 'tsx', FIXTURE, ...args];
  const python = `import os, resource, sys; resource.setrlimit(resource.RLIMIT_CORE, (0, 0)); ${LAUNCH[launch]}; os.execv(sys.argv[1], sys.argv[1:])`;
  const child = spawn('python3', ['-c', python, ...argv], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d;
  });
  const ended = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const f: Fixture = { child, pid: JSON.parse(line.toString()).pid, stderr: () => err, ended };
  started.push(f);
  return f;
}

/**
 * The fields of /proc/<pid>/stat after the command name, from the state on ("<pid> (<comm>)
 * <state> <ppid> <pgrp> …": comm may hold spaces, so split after its closing paren); undefined
 * once the process is gone.
 */
async function procStat(pid: number | string): Promise<string[] | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The state letter of `pid` in /proc ('T' when stopped, 'Z' a zombie), undefined once it is gone. */
const state = async (pid: number) => (await procStat(pid))?.[0];

/** Pids of the processes whose parent is `pid` (Linux /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (Number((await procStat(entry))?.[1]) === pid) found.push(Number(entry));
  }
  return found;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cmdline = (pid: number) =>
  readFile(`/proc/${pid}/cmdline`, 'utf8')
    .then((s) => s.replaceAll('\0', ' '))
    .catch(() => '');

/** Waits until `pid` has `n` children whose command line matches `pattern`; returns their pids. */
const childrenMatching = (pid: number, n: number, pattern: RegExp) =>
  waitFor(`${n} children matching ${pattern}`, async () => {
    const pids: number[] = [];
    for (const c of await childrenOf(pid)) if (pattern.test(await cmdline(c))) pids.push(c);
    return pids.length >= n ? pids : undefined;
  });

/** Every process whose command line matches `pattern`. */
async function processesMatching(pattern: RegExp): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc'))
    if (/^\d+$/.test(entry) && pattern.test(await cmdline(Number(entry)))) found.push(Number(entry));
  return found;
}

/**
 * Whether `pid` has ended: no such process, or a zombie (an orphan is reaped by pid 1 in its own
 * time, a second or so here, and `kill(pid, 0)` still finds it until then).
 */
async function ended(pid: number): Promise<boolean> {
  const s = await state(pid);
  return s === undefined || s === 'Z';
}

/** The process group of `pid`: a child ops starts leads its own, out of reach of a terminal's Ctrl-C. */
async function processGroup(pid: number): Promise<number> {
  return Number((await procStat(pid))?.[2]);
}

const childPids = (f: Fixture) =>
  (/children ([\d ]+)/.exec(f.stderr())?.[1] ?? '').trim().split(' ').filter(Boolean).map(Number);

describe('endWithThisProcess', () => {
  it('passes SIGTERM on to every child, waits for them, then ends by SIGTERM itself', async () => {
    const f = await fixture('spawn', '10000', 'setInterval(() => {}, 1000)', 'setInterval(() => {}, 1000)');
    const kids = childPids(f);
    leftovers.push(...kids);
    expect(kids).toHaveLength(2);
    expect(kids.every((pid) => processExists(pid))).toBe(true);

    process.kill(f.pid, 'SIGTERM');

    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
    for (const pid of kids) expect(f.stderr()).toContain(`exit ${pid} SIGTERM`);
    expect(kids.filter((pid) => processExists(pid))).toEqual([]);
  });

  it.each([
    ['SIGINT', 'SIGINT'],
    ['SIGHUP', 'SIGHUP'],
    // SIGQUIT's default is a core dump and nothing ops runs handles it
    ['SIGQUIT', 'SIGTERM'],
  ] as const)('passes %s on as %s (a child may clean up on it) and ends by it', async (signal, passed) => {
    const f = await fixture(
      'spawn',
      '10000',
      `process.on('${passed}', () => { console.error('child cleans up'); process.exit(3); }); setInterval(() => {}, 1000)`,
    );
    leftovers.push(...childPids(f));

    process.kill(f.pid, signal);

    expect(await f.ended).toEqual({ code: null, signal });
    expect(f.stderr().match(/kill \d+ \w+/g)).toEqual([`kill ${childPids(f)[0]} ${passed}`]);
    expect(f.stderr()).toContain('child cleans up');
    expect(f.stderr()).toMatch(/exit \d+ 3/);
  });

  it("gives a child one SIGINT on a terminal's Ctrl-C, passed on by its parent", async () => {
    // a real terminal: util-linux `script` runs the fixture on a pseudo-terminal, and ^C typed
    // into it makes the terminal signal the foreground process group; the child, in a group of
    // its own, gets SIGINT from the fixture only, once
    const counter =
      "let n = 0; process.on('SIGINT', () => { n += 1; setTimeout(() => { console.error('sigints ' + n); process.exit(0); }, 500); }); setInterval(() => {}, 1000)";
    const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
    const command = [process.execPath, '--import', 'tsx', FIXTURE, 'spawn', '10000', counter]
      .map(quote)
      .join(' ');
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let screen = '';
    terminal.stdout.on('data', (d: Buffer) => {
      screen += d;
    });
    const ended = once(terminal, 'exit');
    const pid = await waitFor('the fixture on the terminal', async () => /"pid":(\d+)/.exec(screen)?.[1]);
    const kids = (/children ([\d ]+)/.exec(screen)?.[1] ?? '').trim().split(' ').filter(Boolean).map(Number);
    // never a pid 0 here: kill(0) would signal this test's own process group
    leftovers.push(Number(pid), ...kids);
    expect(kids).toHaveLength(1);

    terminal.stdin.write('\x03');
    await ended;
    terminal.stdin.end();

    expect(screen).toMatch(/sigints 1\b/);
    expect(screen.match(/kill \d+ SIGINT/g)).toEqual([`kill ${kids[0]} SIGINT`]);
    expect(screen).toMatch(/exit \d+ 0/);
  });

  it('SIGKILLs a child that ignores the signal once its grace period is over', async () => {
    const f = await fixture('spawn', '400', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)");
    const [kid] = childPids(f) as [number];
    leftovers.push(kid);

    const t0 = performance.now();
    process.kill(f.pid, 'SIGTERM');

    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    expect(f.stderr()).toContain(`exit ${kid} SIGKILL`);
    expect(processExists(kid)).toBe(false);
  });

  it('stops waiting on a second signal: the stubborn child is SIGKILLed at once', async () => {
    const f = await fixture('spawn', '60000', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)");
    const [kid] = childPids(f) as [number];
    leftovers.push(kid);

    process.kill(f.pid, 'SIGTERM');
    // past the second within which a repeat counts as the same request (next case)
    await new Promise((r) => setTimeout(r, 1_200));
    expect(processExists(kid)).toBe(true);
    const t1 = performance.now();
    process.kill(f.pid, 'SIGTERM');

    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
    // at once, not at the end of the 60 s grace
    expect(performance.now() - t1).toBeLessThan(10_000);
    expect(f.stderr()).toContain(`exit ${kid} SIGKILL`);
  });

  it("takes the same signal twice within a second as one request (a wrapper's copy of a Ctrl-C)", async () => {
    // tsx's CLI passes the terminal's SIGINT on to a process that got it from the terminal too:
    // the child must still get one SIGINT and its time to clean up, not a SIGKILL
    const f = await fixture(
      'spawn',
      '10000',
      "process.on('SIGINT', () => setTimeout(() => process.exit(0), 500)); setInterval(() => {}, 1000)",
    );
    const [kid] = childPids(f) as [number];
    leftovers.push(kid);

    process.kill(f.pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 30));
    process.kill(f.pid, 'SIGINT');

    expect(await f.ended).toEqual({ code: null, signal: 'SIGINT' });
    expect(f.stderr().match(/kill \d+ \w+/g)).toEqual([`kill ${kid} SIGINT`]);
    expect(f.stderr()).toContain(`exit ${kid} 0`);
  });

  const both = (pids: number[], test: (s: string | undefined) => boolean) => async () =>
    (await Promise.all(pids.map(state))).every(test) ? true : undefined;
  const stopped = (s: string | undefined) => s === 'T';
  const going = (s: string | undefined) => s !== undefined && s !== 'T';

  it('stops its children on Ctrl-Z (SIGTSTP) along with itself, and they go on when it does', async () => {
    // the children are in sessions of their own, out of the terminal's reach: without this a
    // stopped `ops` would leave dbt running in the background
    // the child starts a process of its own (dbt's adapters, tar's gzip), which stops with it
    const f = await fixture(
      'spawn',
      '10000',
      "const g = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.error('grandchild ' + g.pid); setInterval(() => {}, 1000)",
    );
    const [kid] = childPids(f) as [number];
    const grandchild = Number(/grandchild (\d+)/.exec(f.stderr())?.[1]);
    leftovers.push(kid, grandchild);
    expect(grandchild).toBeGreaterThan(0);
    const all = [f.pid, kid, grandchild];

    // twice: the handler is back after the first
    for (let round = 0; round < 2; round++) {
      process.kill(f.pid, 'SIGTSTP');
      await waitFor('all stopped', both(all, stopped), 5_000);
      process.kill(f.pid, 'SIGCONT');
      await waitFor('all going', both(all, going), 5_000);
    }

    process.kill(f.pid, 'SIGTERM');
    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(f.stderr()).toContain(`exit ${kid} SIGTERM`);
  });

  it('does not stop when the shell resumed it before it could act on the Ctrl-Z (fg while it was busy)', async () => {
    // under `npm start` the wrapper stops at once; were `ops` to stop after the shell's `fg`,
    // it would sit stopped in the foreground
    const f = await fixture(
      'spawn',
      '10000',
      "process.on('SIGCONT', () => console.error('child resumed')); setInterval(() => {}, 1000)",
    );
    const [kid] = childPids(f) as [number];
    leftovers.push(kid);

    process.kill(f.pid, 'SIGUSR2');
    await waitFor('the fixture busy', async () => (f.stderr().includes('busy') ? true : undefined), 5_000);
    process.kill(f.pid, 'SIGTSTP');
    // apart, as a person types: a SIGCONT sent at once would make the kernel discard the SIGTSTP
    // before delivery; both are queued behind the busy second, and by 1.5 s the fixture has
    // handled them (and would have stopped)
    await new Promise((r) => setTimeout(r, 100));
    process.kill(f.pid, 'SIGCONT');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await both([f.pid, kid], going)()).toBe(true);
    expect(f.stderr()).not.toContain('child resumed');

    process.kill(f.pid, 'SIGTERM');
    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('does not freeze where nothing could resume it: Ctrl-Z in an orphaned process group is dropped', async () => {
    // `script -c`, `ssh host cmd`: no job control, so the kernel drops SIGTSTP; a process that
    // stopped itself and its children there would hang the pipeline for good
    const f = await fixtureIn(
      'session',
      'spawn',
      '10000',
      "process.on('SIGCONT', () => console.error('child resumed')); setInterval(() => {}, 1000)",
    );
    const [kid] = childPids(f) as [number];
    leftovers.push(kid);

    process.kill(f.pid, 'SIGTSTP');
    // the child was stopped and is going again: the Ctrl-Z was handled, and did not stop the fixture
    await waitFor(
      'the child resumed',
      async () => (f.stderr().includes('child resumed') ? true : undefined),
      5_000,
    );
    expect(await both([f.pid, kid], going)()).toBe(true);

    process.kill(f.pid, 'SIGTERM');
    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it("does not count time stopped by Ctrl-Z against a stopping child's grace period", async () => {
    // a child that needs 600 ms to stop cleanly, a 1 s grace, 1.5 s stopped in between
    const f = await fixture(
      'spawn',
      '1000',
      "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 600)); setInterval(() => {}, 1000)",
    );
    const [kid] = childPids(f) as [number];
    leftovers.push(kid);

    process.kill(f.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    process.kill(f.pid, 'SIGTSTP');
    await waitFor('both stopped', both([f.pid, kid], stopped), 5_000);
    await new Promise((r) => setTimeout(r, 1_500));
    process.kill(f.pid, 'SIGCONT');

    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(f.stderr()).toContain(`exit ${kid} 0`);
    expect(f.stderr()).not.toContain('SIGKILL');
  });

  it('npm scripts run ops in one process: no tsx CLI in between to pass signals on a second time', async () => {
    // the tsx CLI sends a signal again when its child is slow (30 ms) to confirm it, and SIGKILLs
    // the child if the second goes unconfirmed too: `ops` would die without ending its children
    const { scripts } = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8'));
    for (const name of ['start', 'ops', 'bench', 'trino'])
      expect(scripts[name], name).toMatch(/^node --import tsx /);
  });

  it('keeps its handlers only while a child runs: afterwards a signal ends the process as usual', async () => {
    const f = await fixture('own-exit');

    expect(f.stderr()).toContain('listeners while running 1');
    expect(f.stderr()).toContain('listeners after 0');
    process.kill(f.pid, 'SIGTERM');
    expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it.each([
    [2, 2],
    [1, 4],
  ])(
    "takes the ETL's worker processes along (runInProcesses, %i worker(s), %i tasks) and starts no new one",
    async (workers, tasks) => {
      const f = await fixture('pool', String(workers), String(tasks));
      const pids = await childrenMatching(f.pid, workers, /never-ending-task-worker/);
      leftovers.push(...pids);
      for (const pid of pids) expect(await processGroup(pid)).toBe(pid);

      process.kill(f.pid, 'SIGTERM');

      expect(await f.ended).toEqual({ code: null, signal: 'SIGTERM' });
      // none left anywhere: not the stopped ones, not a replacement started after the signal (an
      // orphan belongs to init then, so every process is looked at)
      expect(await processesMatching(/never-ending-task-worker/)).toEqual([]);
    },
  );

  it.each([false, true])(
    'a child started through spawnTied ends when this process is SIGKILLed (Linux setpriv; both stopped by Ctrl-Z first: %s)',
    async (stoppedFirst) => {
      const f = await fixture('spawn', '10000', 'setInterval(() => {}, 1000)');
      const [kid] = childPids(f) as [number];
      leftovers.push(kid);
      if (stoppedFirst) {
        // a SIGTERM would wait for a SIGCONT nobody sends: the parent-death signal is SIGKILL
        process.kill(f.pid, 'SIGTSTP');
        await waitFor('both stopped', both([f.pid, kid], stopped), 5_000);
      }

      process.kill(f.pid, 'SIGKILL');

      expect(await f.ended).toEqual({ code: null, signal: 'SIGKILL' });
      await waitFor('the child to end', async () => ((await ended(kid)) ? true : undefined), 5_000);
    },
  );

  it("ends the ETL's worker processes when their parent is SIGKILLed", async () => {
    const f = await fixture('pool', '2', '2');
    const workers = await childrenMatching(f.pid, 2, /never-ending-task-worker/);
    leftovers.push(...workers);
    // busy with a task each: an idle worker ends anyway once its parent's IPC channel closes
    await waitFor('both tasks to start', async () =>
      workers.every((pid) => f.stderr().includes(`task ${pid} started`)) ? true : undefined,
    );

    process.kill(f.pid, 'SIGKILL');

    for (const pid of workers)
      await waitFor('a worker to end', async () => ((await ended(pid)) ? true : undefined), 5_000);
  });

  // SIGKILL cannot be passed on: the kernel SIGKILLs dbt when its parent dies (diesWithThisProcess)
  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'takes a dbt run along (runDbt) on %s: no dbt left holding the warehouse or the target folder',
    async (signal) => {
      const target = await mkdtemp(path.join(os.tmpdir(), 'dbt-signal-'));
      temps.push(target);
      const f = await fixture('dbt', target);
      const [dbt] = (await childrenMatching(f.pid, 1, /bin\/dbt debug/)) as [number];
      leftovers.push(dbt);
      expect(await processGroup(dbt)).toBe(dbt);

      process.kill(f.pid, signal);

      expect(await f.ended).toEqual({ code: null, signal });
      // `dbt debug` takes seconds (3 CPU-s) to finish by itself
      await waitFor('dbt to end', async () => ((await ended(dbt)) ? true : undefined), 1_500);
    },
  );
});
