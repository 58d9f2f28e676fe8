import { readFileSync, readlinkSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Names a process so that a later process can tell whether it is gone: what lets the ETL's
 * staging folders (etl-temp.ts) and the hidden temporaries of atomic writes
 * (tools/lib/fs-atomic.ts) left by a killed process be removed, and never those of one still
 * writing.
 *
 * The owner is `<pid namespace>.<pid>.<start time>` as Linux's /proc gives them. The start time
 * tells an owner still running from an earlier process that got the same pid (a restarted Lambda
 * runtime is likely to get the pid it had), and is the same on every thread of a process; the
 * namespace keeps a process from judging the leftovers of processes it cannot see (containers
 * sharing /tmp): those are judged by age alone (OTHER_NAMESPACE_MAX_AGE_MS). Without /proc
 * (macOS) this process is `0.<pid>.0` and judges owners by age alone too (CAN_JUDGE_OWNERS).
 */

/** The pattern of an owner in a name: namespace, pid and start time. */
export const OWNER_PATTERN = '(\\d+)\\.(\\d+)\\.(\\d+)';

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

/** Process `pid` of this namespace as an owner; undefined if it is gone or there is no /proc. */
export function processOwner(pid: number): string | undefined {
  const start = startTime(pid);
  return NAMESPACE !== undefined && start !== undefined ? `${NAMESPACE}.${pid}.${start}` : undefined;
}

const SELF = processOwner(process.pid);

/** Whether this process can tell owners that are gone (Linux, with its own /proc). */
export const CAN_JUDGE_OWNERS = SELF !== undefined;

/** This process as an owner (any of its threads gives the same). */
export const THIS_PROCESS = SELF ?? `0.${process.pid}.0`;

/** Whether the leftover `name` in `dir` may go: its owner (namespace, pid, start time) is gone. */
async function ownerGone(dir: string, name: string, [namespace, pid, start]: string[]): Promise<boolean> {
  // gone, or the pid now belongs to a later process (this one, say)
  if (namespace === NAMESPACE) return startTime(Number(pid)) !== start;
  return untouchedForAWeek(dir, name);
}

async function untouchedForAWeek(dir: string, name: string): Promise<boolean> {
  const changed = await stat(path.join(dir, name)).then(
    (s) => s.mtimeMs,
    () => Date.now(),
  );
  return Date.now() - changed >= OTHER_NAMESPACE_MAX_AGE_MS;
}

/**
 * Removes the entries of `dir` (files or folders) that `owned` matches, its groups 1-3 the
 * owner (OWNER_PATTERN), whose owner is gone; and those `unowned` matches (leftovers named before
 * they carried their owner) once untouched for a week.
 */
export async function removeLeftovers(dir: string, owned: RegExp, unowned?: RegExp): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = owned.exec(name);
    const gone = m
      ? await ownerGone(dir, name, m.slice(1, 4))
      : unowned?.test(name) && (await untouchedForAWeek(dir, name));
    // another user's leftover in a shared /tmp cannot be removed (sticky bit): left to its owner
    if (gone) await rm(path.join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
