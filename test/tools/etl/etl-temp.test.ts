import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStagingDir } from '../../../lambda/core/etl-temp.js';
import {
  CAN_JUDGE_OWNERS,
  OTHER_NAMESPACE_MAX_AGE_MS,
  processOwner,
  THIS_PROCESS,
} from '../../../lambda/core/leftovers.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { endedPid, removeRunTempDirs, runOps } from '../../support/kill-harness.js';

// Staged ETL outputs live in a folder named for the process that publishes them
// (lambda/core/etl-temp.ts); a process killed mid-run leaves it, and the next one removes it.

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'etl-temp-'));
});
afterAll(async () => {
  await removeRunTempDirs();
  await rm(work, { recursive: true, force: true });
});

const folders = async (dir: string) =>
  (await readdir(dir)).filter((n) => n.startsWith('store-sales-etl-')).sort();

describe('the ETL staging folder', () => {
  it.runIf(CAN_JUDGE_OWNERS)(
    "removes the folders of processes that are gone, or whose pid a later process has, and keeps a live one's and another namespace's unless a week old",
    async () => {
      const base = path.join(work, 'sweep');
      const gone = endedPid();
      const [ns, , myStart] = THIS_PROCESS.split('.');
      const live = processOwner(process.ppid) as string;
      const leftovers = {
        gone: `store-sales-etl-${ns}.${gone}.${myStart}-a1b2c3`,
        earlierSamePid: `store-sales-etl-${ns}.${process.pid}.1-d4e5f6`,
        reusedPid: `store-sales-etl-${ns}.${process.ppid}.1-j1k2l3`,
        live: `store-sales-etl-${live}-g7h8i9`,
        otherNamespace: `store-sales-etl-00000001-1.${gone}.1-m4n5o6`,
        otherNamespaceStale: `store-sales-etl-00000001-1.${gone}.1-p7q8r9`,
        unrelated: 'etl-a1b2c3',
      };
      for (const name of Object.values(leftovers)) {
        await mkdir(path.join(base, name), { recursive: true });
        await writeFile(path.join(base, name, 'fact_orders.parquet'), 'staged');
      }
      // untouched for a day longer than the week another namespace's folder is given
      const stale = new Date(Date.now() - OTHER_NAMESPACE_MAX_AGE_MS - 24 * 3600 * 1000);
      await utimes(path.join(base, leftovers.otherNamespaceStale), stale, stale);

      const mine = await makeStagingDir({ base });
      const theirs = await makeStagingDir({ base, owner: live });

      expect(THIS_PROCESS).toMatch(new RegExp(`^[0-9a-f]{8}-\\d+\\.${process.pid}\\.\\d+$`));
      expect(path.basename(mine).startsWith(`store-sales-etl-${THIS_PROCESS}-`)).toBe(true);
      expect(path.basename(theirs).startsWith(`store-sales-etl-${live}-`)).toBe(true);
      expect((await readdir(base)).sort()).toEqual(
        [
          leftovers.live,
          leftovers.otherNamespace,
          leftovers.unrelated,
          path.basename(mine),
          path.basename(theirs),
        ].sort(),
      );
    },
  );

  // telling a gone process needs /proc (Linux): elsewhere a folder goes once a week old
  it.runIf(CAN_JUDGE_OWNERS)(
    'a SIGKILLed `ops etl` leaves its staging folder; the next run removes it and leaves none of its own',
    async () => {
      const lake = path.join(work, 'lake');
      const tmp = path.join(work, 'tmp');
      await mkdir(tmp);
      await generateDataset({
        lake,
        from: '2025-01',
        months: 1,
        ordersPerMonth: 2000,
        seed: 7,
        force: false,
      });
      const env = { TMPDIR: tmp };

      const killed = await runOps(
        ['etl', '--lake', lake],
        { after: (l) => l.startsWith('phase encode '), delayMs: 0 },
        { env },
      );
      expect(killed.signal).toBe('SIGKILL');
      const left = await folders(tmp);
      expect(left).toHaveLength(1);

      const rerun = await runOps(['etl', '--lake', lake], undefined, { env });
      expect(rerun.code, rerun.stderr.slice(-2000)).toBe(0);
      // the killed run's folder swept, the re-run's own removed once published
      expect(await folders(tmp)).toEqual([]);
    },
    120_000,
  );
});
