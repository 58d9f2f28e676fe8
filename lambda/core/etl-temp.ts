import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the ETL stages a source's outputs before publishing them: a folder of its own in the OS
 * temp folder, named for the process that publishes them,
 * `<tmp>/store-sales-etl-<pid>.<start ms>-<random>` (`ops etl` names its worker processes'
 * folders for itself: it publishes what they stage). The source's folder is removed once it is
 * published or discarded. A process that dies mid-run without cleaning up (SIGKILL, the OOM
 * killer, a Lambda timeout, after which the runtime starts again in the same sandbox and /tmp)
 * leaves its folders behind, up to a month of Parquet each; the next process that stages
 * removes such leftovers: folders of a process that is gone, and of an earlier process with
 * its own pid (a restarted Lambda runtime is likely to get the pid it had).
 */
const PREFIX = 'store-sales-etl-';
const LEFTOVER = /^store-sales-etl-(\d+)\.(\d+)-/;

/**
 * This process as the owner of staging folders: pid and start time (ms since the epoch). Read on
 * a process's main thread (a worker thread has its own start time).
 */
export const ETL_STAGING_OWNER = `${process.pid}.${Math.round(performance.timeOrigin)}`;

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
  if (!swept.has(base)) {
    swept.add(base);
    await removeLeftovers(base);
  }
  return mkdtemp(path.join(base, `${PREFIX}${owner}-`));
}

async function removeLeftovers(base: string): Promise<void> {
  for (const name of await readdir(base).catch(() => [] as string[])) {
    const m = LEFTOVER.exec(name);
    if (!m || `${m[1]}.${m[2]}` === ETL_STAGING_OWNER) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || !alive(pid)) await rm(path.join(base, name), { recursive: true, force: true });
  }
}

/** Whether a process `pid` exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
