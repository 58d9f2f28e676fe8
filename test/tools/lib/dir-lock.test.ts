import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

  it("lets one waiter at a time in when several take over a dead owner's lock", async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(path.join(dir, 'x.lock'), String(dead));
    let inside = 0;
    let most = 0;
    const ran: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map((n) =>
        withDirLock(dir, 'x.lock', async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 50));
          inside -= 1;
          ran.push(n);
        }),
      ),
    );
    expect(most).toBe(1);
    expect(ran.sort()).toEqual([0, 1, 2, 3]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("takes over a lock naming this process's pid that it does not hold (a reused pid)", async () => {
    await writeFile(path.join(dir, 'x.lock'), `${process.pid}:from-an-earlier-life`);
    const waits: string[] = [];
    expect(
      await withDirLock(
        dir,
        'x.lock',
        async () => 'ran',
        () => waits.push('waited'),
      ),
    ).toBe('ran');
    expect(waits).toEqual([]);
  });

  it('leaves in place a lock that is no longer its own when it ends', async () => {
    const lock = path.join(dir, 'x.lock');
    await withDirLock(dir, 'x.lock', async () => {
      // as if a waiter had wrongly taken it over
      await writeFile(lock, 'another-owner');
    });
    expect(await readFile(lock, 'utf8')).toBe('another-owner');
  });
});
