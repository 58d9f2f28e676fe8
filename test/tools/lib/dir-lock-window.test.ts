import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDirLock } from '../../../tools/lib/dir-lock.js';

// writeFile has written a lock's token before it closes the file and returns: a window in which a
// second waiter of the same process reads a lock naming this pid that the first does not know it
// holds yet. Here the window is widened to 1.5 s for files named slow.lock (only the return is
// delayed: the bytes are on disk as in the real window). CI hit it once, unwidened.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile: typeof fs.writeFile = async (file, data, options) => {
    await fs.writeFile(file, data, options);
    if (String(file).endsWith('slow.lock')) await new Promise((r) => setTimeout(r, 1_500));
  };
  return { ...fs, default: { ...fs, writeFile }, writeFile };
});

describe('withDirLock, a lock being written by this process', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dir-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is not taken for a reused pid: the second waiter waits for the first', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(path.join(dir, 'slow.lock'), String(dead));
    let inside = 0;
    let most = 0;
    await Promise.all(
      [0, 1].map(() =>
        withDirLock(dir, 'slow.lock', async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 1_000));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  }, 30_000);
});
