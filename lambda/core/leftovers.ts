import { readFileSync, readlinkSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Names a process so that a later process can tell whether it is gone: what lets the ETL's
 * staging folders (etl-temp.ts) and the hidden temporaries of atomic writes
 * (tools/lib/fs-atomic.ts) left by a killed process be removed, and never those of one still
 * writing.
 *
 * The owner is `<boot>-<pid namespace>.<pid>.<start time>` as Linux's /proc gives them (boot: the
 * first 8 hex digits of the kernel's boot id). The start time tells an owner still running from an
 * earlier process that got the same pid (a restarted Lambda runtime is likely to get the pid it
 * had), and is the same on every thread of a process. Boot and namespace keep a process from
 * judging the leftovers of processes it cannot see: containers sharing /tmp, and other machines
 * sharing a folder (NFS, EFS), whose first namespace has the same inode as this one's; those are
 * judged by age alone (OTHER_NAMESPACE_MAX_AGE_MS), as are those of a process whose /proc entry
 * this one may not read (`hidepid`). Without /proc (macOS) this process is `00000000-0.<pid>.0`
 * and judges every owner by age (CAN_JUDGE_OWNERS).
 */

/** The pattern of an owner in a name: boot and namespace, pid and start time. */
export const OWNER_PATTERN = '([0-9a-f]{8}-\\d+)\\.(\\d+)\\.(\\d+)';

/**
 * A leftover of another pid namespace's process is removed once it has not changed for this
 * long: staging a source takes minutes (a Lambda at most 15), a write seconds, so its owner is
 * surely gone, and containers that come and go over a shared /tmp do not pile up leftovers.
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
 * This machine's boot and this process's pid namespace, `<boot>-<inode of pid:[…]>`; undefined
 * without /proc, or with a /proc of another pid namespace (a container given the host's), where
 * no pid read there is ours.
 */
function pidNamespace(): string | undefined {
  try {
    if (!readFileSync('/proc/self/stat', 'utf8').startsWith(`${process.pid} `)) return undefined;
    const boot = /^[0-9a-f]{8}/.exec(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'))?.[0];
    const inode = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    return boot && inode ? `${boot}-${inode}` : undefined;
  } catch {
    return undefined;
  }
}

const NAMESPACE = pidNamespace();

/** Process `pid` of this namespace as an owner; undefined if it is gone or there is no /proc. */
export function processOwner(pid: number): string | undefined {
  const start = startTime(pid);
  return NAMESPACE !== undefined && start !== undefined ? `${NAMESPACE}.${pid}.${start}` : undefined;
}

const SELF = processOwner(process.pid);

/** Whether this process can tell owners that are gone (Linux, with its own /proc). */
export const CAN_JUDGE_OWNERS = SELF !== undefined;

/** This process as an owner (any of its threads gives the same). */
export const THIS_PROCESS = SELF ?? `00000000-0.${process.pid}.0`;

/** Whether the leftover `name` in `dir` may go: its owner (namespace, pid, start time) is gone. */
async function ownerGone(dir: string, name: string, [namespace, pid, start]: string[]): Promise<boolean> {
  if (namespace !== NAMESPACE) return untouchedForAWeek(dir, name);
  const now = startTime(Number(pid));
  // running, or its pid now belongs to a later process (this one, say)
  if (now !== undefined) return now !== start;
  // no /proc entry: gone, unless it exists and /proc hides it (hidepid: another user's process)
  return !processExists(Number(pid)) || untouchedForAWeek(dir, name);
}

/** Whether process `pid` exists: signal 0 checks without signalling; EPERM (another user's) means it does. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function untouchedForAWeek(dir: string, name: string): Promise<boolean> {
  const changed = await stat(path.join(dir, name)).then(
    (s) => s.mtimeMs,
    () => Date.now(),
  );
  return Date.now() - changed >= OTHER_NAMESPACE_MAX_AGE_MS;
}

/**
 * The folders and patterns this process swept already: once is enough, since later leftovers are
 * of processes that end after it, which the next process sweeps.
 */
const swept = new Set<string>();

/**
 * Removes, once per process, folder and pattern, the entries of `dir` (files or folders) that
 * `owned` matches, its groups 1-3 the owner (OWNER_PATTERN), whose owner is gone; and those
 * `unowned` matches (leftovers named before they carried their owner) once untouched for a week.
 */
export async function removeLeftovers(dir: string, owned: RegExp, unowned?: RegExp): Promise<void> {
  const key = `${dir}\0${owned.source}`;
  if (swept.has(key)) return;
  swept.add(key);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = owned.exec(name);
    const gone = m
      ? await ownerGone(dir, name, m.slice(1, 4))
      : unowned?.test(name) && (await untouchedForAWeek(dir, name));
    // another user's leftover in a shared /tmp cannot be removed (sticky bit): left to its owner
    if (gone) await rm(path.join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
