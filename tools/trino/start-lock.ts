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
 * Runs `work` holding `<dir>/<name>` (default `start.lock`), so that concurrent starts or
 * downloads (test workers, two terminals) do the work once, not twice. A lock whose owner died
 * is taken over.
 */
export async function withStartLock<T>(dir: string, work: () => Promise<T>, name = 'start.lock'): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = path.join(dir, name);
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(lock, 'utf8').catch(() => '0'));
      if (owner && !alive(owner)) await rm(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}
