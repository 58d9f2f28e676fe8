import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDirLock } from '../../../tools/lib/dir-lock.js';

describe('withDirLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dir-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs concurrent holders one after the other, and tells the one that waits', async () => {
    const events: string[] = [];
    const waits: string[] = [];
    const holder = (name: string) =>
      withDirLock(
        dir,
        'x.lock',
        async () => {
          events.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 700));
          events.push(`${name} out`);
          return name;
        },
        () => waits.push(name),
      );
    const results = await Promise.all([holder('a'), holder('b')]);
    expect(results).toEqual(['a', 'b']);
    // either may get the lock first; the other waits, and starts only after the first is out
    const [first, second] = events[0] === 'a in' ? ['a', 'b'] : ['b', 'a'];
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    expect(waits).toEqual([second]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock whose owner died, and frees it when the work throws', async () => {
    // the pid of a process that has exited
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(path.join(dir, 'x.lock'), String(dead));
    const waits: string[] = [];
    await expect(
      withDirLock(
        dir,
        'x.lock',
        async () => {
          throw new Error('boom');
        },
        () => waits.push('waited'),
      ),
    ).rejects.toThrow('boom');
    expect(waits).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
