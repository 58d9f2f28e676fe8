import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_REFRESH_PASSES,
  MAX_REFRESH_ROUNDS,
  refreshUntilSettled,
  serializedRefresh,
} from '../../../tools/commands/refresh.js';
import { newestMtime } from '../../../tools/lib/newest-mtime.js';
import type { RefreshLock } from '../../../tools/lib/refresh-lock.js';
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

  it('runs again for a write in the same second as the round started (S3 keeps whole seconds)', async () => {
    let rounds = 0;
    const starts = [new Date('2026-12-01T06:01:00.400Z'), new Date('2026-12-01T06:02:00.000Z')];
    const seen: Date[] = [];
    const r = await refreshUntilSettled(
      async (startedAt) => {
        seen.push(startedAt);
        rounds++;
      },
      async () => at('06:01'),
      { clock: () => starts[rounds]! },
    );
    expect(r.rounds).toBe(2);
    expect(seen.at(-1)).toEqual(at('06:02'));
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

/** An in-memory lock; `onMarkPending` lets a test interleave another refresh's steps. */
function memoryLock() {
  const state = {
    holder: undefined as string | undefined,
    token: 0,
    requests: 0,
    onMarkPending: undefined as (() => void) | undefined,
  };
  const lock: RefreshLock = {
    acquire: async (holder) => {
      if (state.holder !== undefined) return { acquired: false, holder: state.holder, since: '06:00' };
      state.holder = holder;
      state.token++;
      return { acquired: true, token: String(state.token) };
    },
    release: async (token) => {
      if (token === String(state.token)) state.holder = undefined;
    },
    isHeld: async () => state.holder !== undefined,
    markPending: async () => {
      state.requests++;
      state.onMarkPending?.();
    },
    pending: async () => (state.requests ? `request ${state.requests}` : undefined),
  };
  return { lock, state };
}

describe('one refresh at a time (the aws lock)', () => {
  const pass = (during?: () => Promise<void>) => {
    let passes = 0;
    return {
      count: () => passes,
      run: async () => {
        passes++;
        await during?.();
      },
    };
  };

  it('takes the lock, refreshes once and releases it when nobody asked for more', async () => {
    const { lock, state } = memoryLock();
    const p = pass();

    const out = await serializedRefresh(lock, 'A', p.run);

    expect(out).toMatchObject({ passes: 1, requestsLeft: false });
    expect(p.count()).toBe(1);
    expect(state.holder).toBeUndefined();
  });

  it('ends without refreshing when another holds the lock, and asks it for one more pass', async () => {
    const { lock, state } = memoryLock();
    state.holder = 'B';
    const p = pass();

    const out = await serializedRefresh(lock, 'A', p.run);

    expect(out).toEqual({ deferredTo: { holder: 'B', since: '06:00' } });
    expect(p.count()).toBe(0);
    expect(state).toMatchObject({ holder: 'B', requests: 1 });
  });

  it('refreshes again when a refresh started while it ran, which itself ran nothing', async () => {
    const { lock, state } = memoryLock();
    let waiter: Awaited<ReturnType<typeof serializedRefresh>> | undefined;
    const other = pass();
    const holder = pass(async () => {
      if (!waiter) waiter = await serializedRefresh(lock, 'B', other.run);
    });

    const out = await serializedRefresh(lock, 'A', holder.run);

    expect(waiter).toMatchObject({ deferredTo: { holder: 'A' } });
    expect(other.count()).toBe(0);
    expect(out).toMatchObject({ passes: 2, requestsLeft: false });
    expect(holder.count()).toBe(2);
    expect(state.holder).toBeUndefined();
  });

  it(`stops after ${MAX_REFRESH_PASSES} passes while requests keep coming, and says so`, async () => {
    const { lock, state } = memoryLock();
    const p = pass(async () => {
      state.requests++;
    });

    const out = await serializedRefresh(lock, 'A', p.run);

    expect(out).toMatchObject({ passes: MAX_REFRESH_PASSES, requestsLeft: true });
    expect(p.count()).toBe(MAX_REFRESH_PASSES);
    expect(state.holder).toBeUndefined();
  });

  it('takes the lock itself when the holder released it just after refusing it (no request is lost)', async () => {
    const { lock, state } = memoryLock();
    state.holder = 'A';
    // A finishes between B's refused acquire and B's look at the lock, and had seen no request
    state.onMarkPending = () => {
      state.holder = undefined;
      state.onMarkPending = undefined;
    };
    const p = pass();

    const out = await serializedRefresh(lock, 'B', p.run);

    expect(out).toMatchObject({ passes: 1 });
    expect(p.count()).toBe(1);
  });

  it('ignores a request made before its pass began, which the pass covered', async () => {
    const { lock, state } = memoryLock();
    state.requests = 5;
    const p = pass();

    expect(await serializedRefresh(lock, 'A', p.run)).toMatchObject({ passes: 1, requestsLeft: false });
  });

  it('releases the lock when the refresh fails, and fails with its error', async () => {
    const { lock, state } = memoryLock();

    await expect(
      serializedRefresh(lock, 'A', async () => {
        throw new Error('transform failed');
      }),
    ).rejects.toThrow('transform failed');
    expect(state.holder).toBeUndefined();
  });
});
