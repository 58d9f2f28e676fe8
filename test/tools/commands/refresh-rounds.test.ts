import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_REFRESH_ROUNDS, refreshUntilSettled } from '../../../tools/commands/refresh.js';
import { newestMtime } from '../../../tools/lib/newest-mtime.js';
import { localTarget } from '../../../tools/targets/local.js';

/** A clock that ticks one minute per reading, from 06:00. */
const ticking = () => {
  let t = Date.parse('2026-12-01T06:00:00Z');
  return () => {
    t += 60_000;
    return new Date(t);
  };
};
const at = (hhmm: string) => new Date(`2026-12-01T${hhmm}:00Z`);

describe('refresh rounds: facts written during a round are picked up', () => {
  it('runs once when the newest facts predate the round', async () => {
    const starts: Date[] = [];
    const r = await refreshUntilSettled(
      async (s) => starts.push(s),
      async () => at('05:00'),
      { clock: ticking() },
    );
    expect(r.rounds).toBe(1);
    expect(starts).toEqual([at('06:01')]);
    expect(r.newerFactsAt).toBeUndefined();
  });

  it('runs again when the ETL wrote after the round started, until a round starts after the last write', async () => {
    // ETL writes land at 06:01:30 (during round 1), then nothing more.
    const writes = [at('06:00'), new Date(at('06:01').getTime() + 30_000)];
    let seen = 0;
    const r = await refreshUntilSettled(
      async (s) => {
        seen++;
        return s;
      },
      async () => writes[Math.min(seen, writes.length - 1)],
      { clock: ticking() },
    );
    expect(r.rounds).toBe(2);
    expect(r.result).toEqual(at('06:02'));
  });

  it(`stops after ${MAX_REFRESH_ROUNDS} rounds when facts keep arriving, and says how new they are`, async () => {
    const clock = ticking();
    let rounds = 0;
    const r = await refreshUntilSettled(
      async () => {
        rounds++;
      },
      async () => new Date(Date.parse('2026-12-01T07:00:00Z')),
      { clock },
    );
    expect(rounds).toBe(MAX_REFRESH_ROUNDS);
    expect(r).toMatchObject({ rounds: MAX_REFRESH_ROUNDS, newerFactsAt: at('07:00') });
  });

  it('runs once for a target that cannot tell when facts were written', async () => {
    let rounds = 0;
    const r = await refreshUntilSettled(async () => rounds++, undefined);
    expect(r.rounds).toBe(1);
  });

  it('does not publish a round that failed, nor start another', async () => {
    let rounds = 0;
    await expect(
      refreshUntilSettled(
        async () => {
          rounds++;
          throw new Error('transform failed');
        },
        async () => at('09:00'),
      ),
    ).rejects.toThrow('transform failed');
    expect(rounds).toBe(1);
  });
});

describe('when the local lake last received facts', () => {
  it('is the newest mtime under processed/store_sales/, ignoring staging folders; none without facts', async () => {
    const lake = await mkdtemp(path.join(os.tmpdir(), 'facts-written-'));
    try {
      expect(await localTarget.factsWrittenAt!({ target: 'local', lake } as never)).toBeUndefined();
      const part = path.join(lake, 'processed/store_sales/fact_orders/order_year=2025/order_month=01');
      await mkdir(path.join(part, '.staging'), { recursive: true });
      await writeFile(path.join(part, 'part-a.parquet'), 'a');
      await writeFile(path.join(part, 'part-b.parquet'), 'b');
      await writeFile(path.join(part, '.staging', 'part-c.parquet'), 'c');
      await utimes(path.join(part, 'part-a.parquet'), at('05:00'), at('05:00'));
      await utimes(path.join(part, 'part-b.parquet'), at('06:30'), at('06:30'));
      await utimes(path.join(part, '.staging', 'part-c.parquet'), at('09:00'), at('09:00'));
      expect(await localTarget.factsWrittenAt!({ target: 'local', lake } as never)).toEqual(at('06:30'));
      expect(await newestMtime(path.join(lake, 'nowhere'))).toBeUndefined();
    } finally {
      await rm(lake, { recursive: true, force: true });
    }
  });
});
