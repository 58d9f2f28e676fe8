import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The newest modification time of the files under `dir` (recursively), or undefined when it has
 * none or does not exist. Hidden entries (`.staging` folders mid-write) are skipped.
 */
export async function newestMtime(dir: string): Promise<Date | undefined> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    },
  );
  let newest: Date | undefined;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const rel = path.relative(dir, path.join(e.parentPath, e.name));
    if (rel.split(path.sep).some((part) => part.startsWith('.'))) continue;
    const { mtime } = await stat(path.join(e.parentPath, e.name));
    if (!newest || mtime > newest) newest = mtime;
  }
  return newest;
}
