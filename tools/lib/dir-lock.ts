import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Whether a process exists (signal 0 checks without signalling). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs `work` holding the lock file `<dir>/<name>`, which holds the owner's pid: concurrent
 * callers (test workers, two terminals) run one after the other, e.g. one Trino start or
 * download, one dbt run per target folder. A lock whose owner died is taken over. `onWait` is
 * called once if the lock is held when asked for.
 */
export async function withDirLock<T>(
  dir: string,
  name: string,
  work: () => Promise<T>,
  onWait?: () => void,
): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = path.join(dir, name);
  let waited = false;
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(lock, 'utf8').catch(() => '0'));
      if (owner && !alive(owner)) {
        await rm(lock, { force: true });
        continue;
      }
      if (!waited) onWait?.();
      waited = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}
