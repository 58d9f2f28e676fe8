import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  CAN_JUDGE_OWNERS,
  OTHER_NAMESPACE_MAX_AGE_MS,
  processOwner,
  THIS_PROCESS,
} from '../../../lambda/core/leftovers.js';
import { temporaryFor, writeFileAtomic } from '../../../tools/lib/fs-atomic.js';
import { endedPid } from '../../support/kill-harness.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'fs-atomic-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('replace the file whole and leave no temporary', async () => {
    const file = path.join(work, 'whole', 'sub', 'out.csv');
    await writeFileAtomic(file, 'old\n');
    await writeFileAtomic(file, 'new\n');
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect(await readdir(path.dirname(file))).toEqual(['out.csv']);
  });

  it('name each temporary for the writing process, hidden beside the target', async () => {
    const file = path.join(work, 'named', 'out.csv');
    const tmp = await temporaryFor(file);
    expect(path.dirname(tmp)).toBe(path.dirname(file));
    expect(path.basename(tmp)).toMatch(
      new RegExp(`^\\.out\\.csv\\.${THIS_PROCESS.replaceAll('.', '\\.')}-[0-9a-f]{8}\\.tmp$`),
    );
    expect(await temporaryFor(file)).not.toBe(tmp);
  });

  it.runIf(CAN_JUDGE_OWNERS)(
    "remove the temporaries of gone processes in a folder they write to, and keep live ones' and another namespace's or machine's unless a week old",
    async () => {
      const dir = path.join(work, 'sweep');
      const gone = endedPid();
      const [ns, , myStart] = THIS_PROCESS.split('.');
      const inode = ns?.split('-')[1];
      // a process that runs through the case
      const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
      const live = processOwner(sleeper.pid as number);
      expect(live).toMatch(new RegExp(`^${ns}\\.${sleeper.pid}\\.\\d+$`));
      const left = {
        gone: `.a.csv.${ns}.${gone}.${myStart}-0123abcd.tmp`,
        reusedPid: `.b.csv.${ns}.${process.pid}.1-0123abcd.tmp`,
        mine: `.c.csv.${THIS_PROCESS}-0123abcd.tmp`,
        live: `.d.csv.${live}-0123abcd.tmp`,
        otherNamespace: `.e.csv.00000001-1.${gone}.1-0123abcd.tmp`,
        otherNamespaceStale: `.f.csv.00000001-1.${gone}.1-0123abcd.tmp`,
        // the same namespace inode on another machine sharing the folder: its pids are not ours
        otherMachine: `.g.csv.00000001-${inode}.${gone}.${myStart}-0123abcd.tmp`,
        unowned: '.h.csv.89abcdef.tmp',
        unownedStale: '.i.csv.89abcdef.tmp',
        hidden: '.keep',
        visible: 'j.csv.89abcdef.tmp',
      };
      onTestFinished(() => {
        sleeper.kill();
      });
      await writeFileAtomic(path.join(dir, 'first.csv'), 'x');
      for (const name of Object.values(left)) await writeFile(path.join(dir, name), 'partial');
      // untouched for a day longer than the week a leftover nobody can judge is given
      const stale = new Date(Date.now() - OTHER_NAMESPACE_MAX_AGE_MS - 24 * 3600 * 1000);
      for (const name of [left.otherNamespaceStale, left.unownedStale])
        await utimes(path.join(dir, name), stale, stale);

      // this process swept the folder with its first write: another process's write sweeps it
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import('${fileURLToPath(new URL('../../../tools/lib/fs-atomic.ts', import.meta.url))}').then((m) => m.writeFileAtomic(${JSON.stringify(path.join(dir, 'out.csv'))}, 'new'))`,
        ],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);

      expect((await readdir(dir)).sort()).toEqual(
        [
          'first.csv',
          'out.csv',
          left.mine,
          left.live,
          left.otherNamespace,
          left.otherMachine,
          left.unowned,
          left.hidden,
          left.visible,
        ].sort(),
      );
    },
  );
});
