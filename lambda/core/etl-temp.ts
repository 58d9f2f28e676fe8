import { readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the ETL stages a source's outputs before publishing them: a folder of its own in the OS
 * temp folder, named for the process that publishes them,
 * `<tmp>/store-sales-etl-<owner>-<random>` (`ops etl` names its worker processes' folders for
 * itself: it publishes what they stage). The source's folder is removed once it is published or
 * discarded. A process that dies mid-run without cleaning up (SIGKILL, the OOM killer, a Lambda
 * timeout, after which the runtime starts again in the same sandbox and /tmp) leaves its folders
 * behind, up to a month of Parquet each; the next process that stages removes such leftovers.
 *
 * The owner is `<pid namespace>.<pid>.<start time>` as Linux's /proc gives them. The start time
 * tells an owner still running from an earlier process that got the same pid (a restarted Lambda
 * runtime is likely to get the pid it had), and is the same on every thread of a process; the
 * namespace keeps a process from judging folders of processes it cannot see (containers sharing
 * /tmp): those are left alone until untouched for a week (OTHER_NAMESPACE_MAX_AGE_MS). Without
 * /proc (macOS) folders are named `0.<pid>.0` and never swept.
 */
const PREFIX = 'store-sales-etl-';
const LEFTOVER = /^store-sales-etl-(\d+)\.(\d+)\.(\d+)-/;

/**
 * A folder of another pid namespace's process is removed once it has not changed for this long:
 * staging one source takes minutes (a Lambda at most 15), so its owner is surely gone, and
 * containers that come and go over a shared /tmp do not pile up months of Parquet.
 */
export const OTHER_NAMESPACE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** The start time of process `pid` (clock ticks since boot), or undefined if it is gone or there is no /proc. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "<pid> (<comm>) <state> …": comm may hold spaces; starttime is field 22, the 20th after comm
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * This process's pid namespace (the inode of `pid:[…]`), or undefined without /proc, or with a
 * /proc of another pid namespace (a container given the host's), where no pid read there is ours.
 */
function pidNamespace(): string | undefined {
  try {
    if (!readFileSync('/proc/self/stat', 'utf8').startsWith(`${process.pid} `)) return undefined;
    return /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    return undefined;
  }
}

const NAMESPACE = pidNamespace();

/** Process `pid` of this namespace as the owner of staging folders; undefined if it is gone or there is no /proc. */
export function stagingOwner(pid: number): string | undefined {
  const start = startTime(pid);
  return NAMESPACE !== undefined && start !== undefined ? `${NAMESPACE}.${pid}.${start}` : undefined;
}

const SELF = stagingOwner(process.pid);
const SWEEPS = SELF !== undefined;

/** This process as the owner of staging folders (any of its threads gives the same). */
export const ETL_STAGING_OWNER = SELF ?? `0.${process.pid}.0`;

const swept = new Set<string>();

/**
 * Creates a staging folder under `base` (default the OS temp folder) for `owner` (default this
 * process), first removing, once per process and base, the leftovers of processes that are gone.
 */
export async function makeStagingDir({
  base = os.tmpdir(),
  owner = ETL_STAGING_OWNER,
}: {
  base?: string;
  owner?: string;
} = {}): Promise<string> {
  if (SWEEPS && !swept.has(base)) {
    swept.add(base);
    await removeLeftovers(base);
  }
  return mkdtemp(path.join(base, `${PREFIX}${owner}-`));
}

/** Whether the process that owns leftover folder `name` (matched by LEFTOVER as `m`) is gone. */
async function ownerGone(
  base: string,
  name: string,
  [, namespace, pid, start]: RegExpExecArray,
): Promise<boolean> {
  // gone, or the pid now belongs to a later process (this one, say)
  if (namespace === NAMESPACE) return startTime(Number(pid)) !== start;
  // another namespace's process cannot be seen from here: only the folder's age tells
  const changed = await stat(path.join(base, name)).then(
    (s) => s.mtimeMs,
    () => Date.now(),
  );
  return Date.now() - changed >= OTHER_NAMESPACE_MAX_AGE_MS;
}

async function removeLeftovers(base: string): Promise<void> {
  for (const name of await readdir(base).catch(() => [] as string[])) {
    const m = LEFTOVER.exec(name);
    if (!m || !(await ownerGone(base, name, m))) continue;
    // another user's folder in a shared /tmp cannot be removed (sticky bit): left to its owner
    await rm(path.join(base, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
