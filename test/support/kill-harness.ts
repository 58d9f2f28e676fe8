import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Runs `ops` commands as child processes and SIGKILLs them at chosen points, for the kill tests
 * (issue 15, point 5; docs/reliability.md). Each child leads its own process group, which a kill
 * takes whole. What `ops` starts runs outside that group: its ETL workers and dbt in sessions of
 * their own (spawnTied), which the kernel SIGKILLs when `ops` dies (Linux), and Chromium
 * under `ops dashboard`. All of it carries the child's own TMPDIR, by which it is found and killed
 * after the run, so nothing outlives a test or leaves files in the OS temp folder.
 */

export const REPO = path.resolve(import.meta.dirname, '..', '..');

/**
 * `tools/ops.ts` bundled into one file (packages stay external), so a child starts in a fraction
 * of tsx's time: many kills fit in CI. It sits two folders below the repository (under the ignored
 * `test-artifacts/`), where the paths the code derives from its own location (sql/, dbt/) still
 * resolve. Returns the bundle and a clean-up.
 */
export async function bundleOps(): Promise<{ entry: string; remove: () => Promise<void> }> {
  const dir = path.join(REPO, 'test-artifacts', `kill-ops-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const entry = path.join(dir, 'ops.mjs');
  await build({
    entryPoints: [path.join(REPO, 'tools', 'ops.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  // Started through a one-line launcher: the modules' "run me when I am argv[1]" guards compare
  // their import.meta.url with argv[1], which inside one bundle would all be true at once.
  const launcher = path.join(dir, 'run.mjs');
  await writeFile(launcher, "await import('./ops.mjs');\n");
  return { entry: launcher, remove: () => rm(dir, { recursive: true, force: true }) };
}

// The kill points are drawn from it: the same seed gives the same kill points.
export { seededRandom } from './seeded-random.js';

/** The pid of a process that surely ended: one that ran and exited (for leftovers named by pid). */
export const endedPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());

export interface OpsRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when this harness killed it (rather than it exiting on its own first). */
  killed: boolean;
  /** The last `phase <name> <key>` line the child printed before it ended. */
  lastPhase?: string;
}

export interface KillPlan {
  /** Kill once this predicate matches a stderr line (default: from the start). */
  after?: (line: string) => boolean;
  /** Then wait this long before the signal. */
  delayMs: number;
  /** The signal sent to the child's process group (default SIGKILL). */
  signal?: NodeJS.Signals;
}

/**
 * `node --import tsx tools/ops.ts …args` (or `node <entry> …args` for a bundle from `bundleOps`),
 * to completion or until `kill` says.
 */
export async function runOps(
  args: string[],
  kill?: KillPlan,
  { env = {}, entry }: { env?: NodeJS.ProcessEnv; entry?: string } = {},
): Promise<OpsRun> {
  const argv = entry ? [entry, ...args] : ['--import', 'tsx', 'tools/ops.ts', ...args];
  const tmp = await runTempDir();
  const child: ChildProcess = spawn(process.execPath, argv, {
    cwd: REPO,
    env: { ...process.env, STORE_SALES_PHASE_LOG: '1', TMPDIR: tmp, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: OpsRun = { code: null, signal: null, stdout: '', stderr: '', killed: false };
  let timer: NodeJS.Timeout | undefined;
  let armed = false;
  const arm = () => {
    if (armed || !kill) return;
    armed = true;
    timer = setTimeout(() => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      run.killed = true;
      process.kill(-(child.pid as number), kill.signal ?? 'SIGKILL');
    }, kill.delayMs);
  };
  if (kill && !kill.after) arm();
  let pending = '';
  child.stdout?.on('data', (d: Buffer) => {
    run.stdout += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    run.stderr += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('phase ')) run.lastPhase = line.slice('phase '.length);
      if (kill?.after?.(line)) arm();
    }
  });
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    run.code = code;
    run.signal = signal;
    return run;
  } finally {
    clearTimeout(timer);
    // The group may still hold a process the kill reached late (ops' children are not in it).
    if (run.killed) {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // What the child started may outlive it, out of reach of the group kill: ETL workers and dbt
    // in sessions of their own, ending on their parent-death SIGKILL, and Chromium (Playwright
    // starts it in its own session), which writes its profile until it notices its pipe closed.
    // Every process that still carries this run's TMPDIR is killed before the folder goes, in the
    // background (`removeRunTempDirs` waits for it).
    tempDirRemovals.push(
      killRunProcesses(tmp).then(() => rm(tmp, { recursive: true, force: true, maxRetries: 5 })),
    );
  }
}

const tempDirRemovals: Promise<void>[] = [];

/** Waits until every finished run's temp folder is removed; call it in `afterAll`. */
export async function removeRunTempDirs(): Promise<void> {
  await Promise.all(tempDirRemovals);
}

/**
 * SIGKILLs every process whose environment holds `TMPDIR=<tmp>` (the run's child and all it
 * started, whatever their group), until none is left; Linux `/proc`.
 */
async function killRunProcesses(tmp: string): Promise<void> {
  const marker = `TMPDIR=${tmp}\0`;
  for (let attempt = 0; attempt < 200; attempt++) {
    let found = false;
    for (const pid of await readdir('/proc').catch(() => [])) {
      if (!/^\d+$/.test(pid)) continue;
      const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
      if (!environ.startsWith(marker) && !environ.includes(`\0${marker}`)) continue;
      found = true;
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (!found) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The temp folder of one child: what a killed child cannot remove (the ETL's staging folder,
 * Chromium's profile) goes with it instead of piling up in the OS temp folder. tsx keeps its
 * compile cache there too, so the real one is linked in: a child starts as warm as before.
 */
async function runTempDir(): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'ops-run-'));
  const tsxCache = `tsx-${process.geteuid?.() ?? os.userInfo().username}`;
  await mkdir(path.join(os.tmpdir(), tsxCache), { recursive: true });
  await symlink(path.join(os.tmpdir(), tsxCache), path.join(tmp, tsxCache));
  return tmp;
}

/** Every file under `dir` (relative path -> sha256); `hidden` says whether dot-files count. */
export async function hashTree(dir: string, { hidden = false } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(path.join(dir, sub), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!hidden && e.name.startsWith('.')) continue;
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else
        out[rel] = createHash('sha256')
          .update(await readFile(path.join(dir, rel)))
          .digest('hex');
    }
  };
  await walk('');
  return out;
}
