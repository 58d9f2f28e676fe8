import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { processExists } from '../../lambda/core/leftovers.js';

/**
 * The tokens of the locks this process holds or is acquiring. Acquiring counts: `writeFile`
 * writes the token before it closes the file and returns, so a second waiter of this process can
 * read a lock naming this pid that the first has not yet been told it holds, and would take it
 * for a reused pid's and remove it (two holders at once, seen in CI).
 */
const held = new Set<string>();

/** A lock or takeover file older than this with no owner recorded was left by a crash. */
const ORPHAN_MS = 10_000;

const ageMs = async (file: string): Promise<number> =>
  Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? Date.now());

/**
 * Runs `work` holding the lock file `<dir>/<name>`, so that concurrent callers (test workers, two
 * terminals) run one after the other: one Trino start or download, one dbt run per target
 * folder. The file holds `<pid>:<random>`; a lock whose owner died (or, with this process's pid,
 * that this process does not hold: the pid was reused) is taken over, and only one waiter takes
 * it over. `onWait` is called once if the lock is held when asked for; a waiter looks again every
 * `pollMs` (short for locks held for milliseconds, such as a compare-and-swap's).
 */
export async function withDirLock<T>(
  dir: string,
  name: string,
  work: () => Promise<T>,
  onWait?: () => void,
  pollMs = 500,
): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = path.join(dir, name);
  const token = `${process.pid}:${randomUUID()}`;
  let waited = false;
  held.add(token);
  try {
    for (;;) {
      const outcome = await tryAcquire(lock, token);
      if (outcome === 'held') break;
      if (outcome === 'busy') {
        if (!waited) onWait?.();
        waited = true;
        await new Promise((r) => setTimeout(r, pollMs));
      }
    }
    return await work();
  } finally {
    held.delete(token);
    // only this run's lock: never one a waiter took over
    if ((await readFile(lock, 'utf8').catch(() => '')) === token) await rm(lock, { force: true });
  }
}

/** 'held' (created with our token), 'busy' (a live owner: wait) or 'retry' (try again now). */
async function tryAcquire(lock: string, token: string): Promise<'held' | 'busy' | 'retry'> {
  try {
    await writeFile(lock, token, { flag: 'wx' });
    return 'held';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = await readFile(lock, 'utf8').catch(() => undefined);
  if (owner === undefined) return 'retry';
  if (!(await isStale(lock, owner))) return 'busy';
  return (await takeOver(lock, owner)) ? 'retry' : 'busy';
}

async function isStale(lock: string, owner: string): Promise<boolean> {
  // created but no owner written yet, or a crash between the two
  if (owner === '') return (await ageMs(lock)) > ORPHAN_MS;
  const pid = Number(owner.split(':')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return !held.has(owner);
  return !processExists(pid);
}

/**
 * Removes a stale lock if it still holds `owner`, under `<lock>.takeover` so that two waiters
 * cannot both remove it (the second would delete the lock the first has just made). False when
 * another waiter is taking it over.
 */
async function takeOver(lock: string, owner: string): Promise<boolean> {
  const guard = `${lock}.takeover`;
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // a guard this old was left by a waiter that died taking over
    if ((await ageMs(guard)) > ORPHAN_MS) await rm(guard, { force: true });
    return false;
  }
  try {
    if ((await readFile(lock, 'utf8').catch(() => undefined)) === owner) await rm(lock, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}
