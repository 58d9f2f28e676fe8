import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { KeptLease } from '../../../lambda/core/lease.js';
import { THIS_PROCESS } from '../../../lambda/core/leftovers.js';
import {
  MAX_REFRESH_PASSES,
  MAX_REFRESH_ROUNDS,
  REFRESH_STEPS,
  refreshRound,
  refreshUntilSettled,
  runRefresh,
  serializedRefresh,
} from '../../../tools/commands/refresh.js';
import { newestMtime } from '../../../tools/lib/newest-mtime.js';
import type { RefreshLock } from '../../../tools/lib/refresh-lock.js';
import { localTarget } from '../../../tools/targets/local.js';
import { stubSteps } from '../../support/stub-refresh-steps.js';

/** A clock that ticks one minute per reading, from 06:00. */
const ticking = () => {
  let t = Date.parse('2026-12-01T06:00:00Z');
  return () => {
    t += 60_000;
    return new Date(t);
  };
};
const at = (hhmm: string) => new Date(`2026-12-01T${hhmm}:00Z`);
/** Waits until `done()`: timers may run late on a loaded machine, so no fixed sleeps. */
const until = (done: () => boolean) => vi.waitUntil(done, { timeout: 10_000, interval: 5 });

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

/**
 * An in-memory lock with the lease's rules (a holder asking again gets its own lock back, a holder
 * named dead loses it at once; a renewal or a release needs the current token); `onMarkPending` lets a test interleave another refresh's
 * steps, `failRenewals`/`failReleases`/`failPending` make that many calls throw.
 */
function memoryLock(ttlMs = 60_000) {
  const state = {
    holder: undefined as string | undefined,
    /** When the lock lapses (ms): a TTL after it was taken or renewed; set it to play a holder that stopped renewing. */
    expiresAt: 0,
    token: 0,
    requests: 0,
    acquires: 0,
    renewals: 0,
    failRenewals: 0,
    failReleases: 0,
    failPending: 0,
    /** Takeovers of a dead holder's lock that answer as if every write lost a race. */
    failTakeovers: 0,
    /** Renewals and acquires by the holder itself answer as if every write lost a race. */
    stuck: false,
    /** Another holder's lock that always shows this much left (ms): one whose clock runs behind. */
    alwaysLeft: undefined as number | undefined,
    onMarkPending: undefined as (() => void) | undefined,
  };
  const lock: RefreshLock = {
    ttlMs,
    acquire: async (holder, opts) => {
      state.acquires++;
      if (state.alwaysLeft !== undefined && state.holder !== holder)
        state.expiresAt = Date.now() + state.alwaysLeft;
      const expiresAt = new Date(state.expiresAt).toISOString();
      if (state.stuck && state.holder === holder)
        return { acquired: false, holder, since: '06:00', expiresAt };
      if (opts?.deadHolder && state.failTakeovers > 0 && state.failTakeovers--)
        return { acquired: false, holder: state.holder ?? '?', since: '06:00', expiresAt };
      const live = state.holder !== opts?.deadHolder && Date.now() < state.expiresAt;
      if (state.holder !== undefined && state.holder !== holder && live)
        return { acquired: false, holder: state.holder, since: '06:00', expiresAt };
      if (state.holder !== holder) state.token++;
      state.holder = holder;
      state.expiresAt = Date.now() + ttlMs;
      return { acquired: true, token: String(state.token) };
    },
    renew: async (holder, token) => {
      if (state.failRenewals > 0 && state.failRenewals--) throw new Error('S3 unreachable');
      if (state.holder !== holder || token !== String(state.token)) return undefined;
      state.renewals++;
      state.expiresAt = Date.now() + ttlMs;
      return String(++state.token);
    },
    release: async (token) => {
      if (state.failReleases > 0 && state.failReleases--) throw new Error('S3 unreachable');
      if (token === String(state.token)) state.holder = undefined;
    },
    isHeld: async () => state.holder !== undefined,
    markPending: async () => {
      state.requests++;
      state.onMarkPending?.();
    },
    pending: async () => {
      if (state.failPending > 0 && state.failPending--) throw new Error('S3 unreachable');
      return state.requests ? `request ${state.requests}` : undefined;
    },
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

    expect(out).toMatchObject({ passes: 1 });
    expect(out).not.toHaveProperty('requestsLeft');
    expect(p.count()).toBe(1);
    expect(state.holder).toBeUndefined();
  });

  it('ends without refreshing when another holds the lock, and asks it for one more pass', async () => {
    const { lock, state } = memoryLock();
    state.holder = 'B';
    state.expiresAt = Date.now() + 60_000;
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
    expect(out).toMatchObject({ passes: 2 });
    expect(out).not.toHaveProperty('requestsLeft');
    expect(holder.count()).toBe(2);
    expect(state.holder).toBeUndefined();
  });

  it(`stops after ${MAX_REFRESH_PASSES} passes while requests keep coming, and says so`, async () => {
    const { lock, state } = memoryLock();
    const p = pass(async () => {
      state.requests++;
    });

    const out = await serializedRefresh(lock, 'A', p.run);

    expect(out).toMatchObject({ passes: MAX_REFRESH_PASSES, requestsLeft: 'passes' });
    expect(p.count()).toBe(MAX_REFRESH_PASSES);
    expect(state.holder).toBeUndefined();
  });

  it('takes the lock itself when the holder released it just after refusing it (no request is lost)', async () => {
    const { lock, state } = memoryLock();
    state.holder = 'A';
    state.expiresAt = Date.now() + 60_000;
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

    const out = await serializedRefresh(lock, 'A', p.run);
    expect(out).toMatchObject({ passes: 1 });
    expect(out).not.toHaveProperty('requestsLeft');
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

  it('renews the lock while it refreshes, and releases the renewed one', async () => {
    const { lock, state } = memoryLock(40);
    let lease: KeptLease | undefined;

    const out = await serializedRefresh(lock, 'A', async (held) => {
      lease = held;
      const first = held.safeUntil;
      await until(() => state.renewals >= 2);
      return held.safeUntil - first;
    });

    // each renewal replaced the token and moved the deadline on; the release named the last token
    expect(state.renewals).toBeGreaterThanOrEqual(2);
    expect(out).toMatchObject({ passes: 1, result: expect.any(Number) });
    expect((out as { result: number }).result).toBeGreaterThan(0);
    expect(lease?.lost).toBe(false);
    expect(state.holder).toBeUndefined();
  });

  it('keeps renewing after a failed renewal; a lock taken over is lost to it', async () => {
    const { lock, state } = memoryLock(40);
    state.failRenewals = 1;
    const kept = await serializedRefresh(lock, 'A', async (held) => {
      await until(() => state.renewals >= 1);
      return held.lost;
    });
    expect(kept).toMatchObject({ result: false });
    expect(state.renewals).toBeGreaterThanOrEqual(1);

    const lost = await serializedRefresh(lock, 'B', async (held) => {
      state.holder = 'C'; // B's lock expired and C took it over
      state.expiresAt = Date.now() + 60_000;
      state.token++;
      await until(() => held.lost);
      return held.lost;
    });
    expect(lost).toMatchObject({ result: true });
    expect(state.holder).toBe('C');
  });

  const noWait = { retryMs: 0 };

  it('tries a failed release again', async () => {
    const { lock, state } = memoryLock();
    state.failReleases = 2;

    const out = await serializedRefresh(lock, 'A', pass().run, noWait);

    expect(out).toMatchObject({ passes: 1 });
    expect(out).not.toHaveProperty('requestsLeft');
    expect(state.holder).toBeUndefined();
  });

  it('does not fail a published refresh when the release keeps failing, and still serves a request after it', async () => {
    const { lock, state } = memoryLock();
    state.failReleases = 4;
    let asked = false;
    const p = pass(async () => {
      if (asked) return;
      asked = true;
      state.requests++;
    });

    const out = await serializedRefresh(lock, 'A', p.run, noWait);

    // the lock was still A's: A took it back for the request, then released it
    expect(out).toMatchObject({ passes: 2 });
    expect(out).not.toHaveProperty('requestsLeft');
    expect(state.holder).toBeUndefined();
  });

  it('leaves a lock it could not release to expire when nobody asked for more, and says requests may wait', async () => {
    const { lock, state } = memoryLock();
    state.failReleases = 4;

    const out = await serializedRefresh(lock, 'A', pass().run, noWait);

    expect(out).toMatchObject({ passes: 1, requestsLeft: 'lock-unreachable' });
    expect(state.holder).toBe('A');
  });

  it('does not fail a published refresh when the requests cannot be looked at, and says they may wait', async () => {
    const { lock, state } = memoryLock();
    const p = pass(async () => {
      state.failPending = 1;
    });

    const out = await serializedRefresh(lock, 'A', p.run, noWait);

    expect(out).toMatchObject({ passes: 1, requestsLeft: 'lock-unreachable' });
    expect(state.holder).toBeUndefined();
  });

  it('does not fail when the requests cannot be looked at after a later pass either', async () => {
    const { lock, state } = memoryLock();
    let passes = 0;
    const run = async () => {
      passes++;
      if (passes === 1) state.requests++;
      // the look after this pass fails: the third read of the request object
      else state.failPending = 1;
    };

    const out = await serializedRefresh(lock, 'A', run, noWait);

    expect(out).toMatchObject({ passes: 2, requestsLeft: 'lock-unreachable' });
    expect(state.holder).toBeUndefined();
  });

  it('says requests may wait when it cannot take back a lock that still names it', async () => {
    const { lock, state } = memoryLock();
    state.failReleases = 4;
    const p = pass(async () => {
      state.requests++;
      state.stuck = true;
    });

    const out = await serializedRefresh(lock, 'A', p.run, noWait);

    expect(out).toMatchObject({ passes: 1, requestsLeft: 'lock-unreachable' });
    expect(p.count()).toBe(1);
  });

  it('waits for a lock its holder stopped renewing to lapse, takes it over and refreshes', async () => {
    const { lock, state } = memoryLock(1_000);
    // a holder that died 850 ms into a 1 s lease: 150 ms left, less than a quarter of a TTL
    state.holder = 'DEAD';
    state.expiresAt = Date.now() + 150;
    const p = pass();

    const out = await serializedRefresh(lock, 'A', p.run, noWait);

    expect(out).toMatchObject({ passes: 1 });
    expect(p.count()).toBe(1);
    expect(state.holder).toBeUndefined();
  });

  it('defers to a lock with more than a quarter of its TTL left (a holder that may have missed one renewal)', async () => {
    const { lock, state } = memoryLock(60_000);
    state.holder = 'B';
    // half a TTL left: a renewal failed, the next is due now
    state.expiresAt = Date.now() + 30_000;
    const p = pass();

    const out = await serializedRefresh(lock, 'A', p.run, noWait);

    expect(out).toEqual({ deferredTo: { holder: 'B', since: '06:00' } });
    expect(p.count()).toBe(0);
  });

  it('waits for a lapse once: a lock that still shows little left afterwards is deferred to', {
    timeout: 10_000,
  }, async () => {
    const { lock, state } = memoryLock(1_000);
    state.holder = 'B';
    state.alwaysLeft = 100;
    const p = pass();

    const out = await serializedRefresh(lock, 'A', p.run, noWait);

    expect(out).toEqual({ deferredTo: { holder: 'B', since: '06:00' } });
    expect(p.count()).toBe(0);
  });

  it('waits for a lapse once: a lock taken over meanwhile by another waiter is deferred to', async () => {
    const { lock, state } = memoryLock(1_000);
    state.holder = 'DEAD';
    state.expiresAt = Date.now() + 100;
    // each pass outlasts the other waiter's wake-up, so the one that took the lock still holds it
    const slow = () => pass(() => new Promise((r) => setTimeout(r, 500)));
    const first = slow();
    const second = slow();

    const outs = await Promise.all([
      serializedRefresh(lock, 'A', first.run, noWait),
      serializedRefresh(lock, 'B', second.run, noWait),
    ]);

    // exactly one took it over; the other deferred to it, which ran a second pass for its request
    expect(outs.filter((o) => 'deferredTo' in o)).toHaveLength(1);
    expect(outs.find((o) => !('deferredTo' in o))).toMatchObject({ passes: 2 });
    expect(first.count() + second.count()).toBe(2);
    expect(state.holder).toBeUndefined();
  });
});

/** Runs `use` on a fresh lake folder (the staging folders of a round go there), removed after. */
async function withLake(use: (lake: string) => Promise<void>): Promise<void> {
  const lake = await mkdtemp(path.join(os.tmpdir(), 'refresh-round-'));
  try {
    await use(lake);
  } finally {
    await rm(lake, { recursive: true, force: true });
  }
}

describe('a refresh round and its lock', () => {
  const lease = (over: Partial<KeptLease>): KeptLease => ({
    lost: false,
    safeUntil: Date.now() + 60_000,
    stop: async () => 'token',
    ...over,
  });

  it.each([
    ['passed to another refresh', { lost: true }],
    ['not renewed in time', { safeUntil: Date.now() - 1 }],
  ])('stops before publish when the lock %s', (_why, over) =>
    withLake(async (lake) => {
      const { ran, steps } = stubSteps();
      const round = refreshRound(localTarget, { target: 'aws', lake } as never, 'run', lease(over), steps);

      await expect(round).rejects.toMatchObject({ code: 'REFRESH_LOCK_LOST' });
      expect(ran).toEqual(REFRESH_STEPS.filter((s) => s !== 'publish'));
    }),
  );

  it('removes the staging folders of refreshes whose process is gone (a signal, SIGKILL), not those of one still running', () =>
    withLake(async (lake) => {
      // this process with another start time: its pid's earlier owner, gone
      const gone = THIS_PROCESS.replace(/\.\d+$/, '.1');
      const folders = [
        `.refresh-20261207T100000Z.${gone}`,
        `.refresh-20261207T100100Z.${THIS_PROCESS}`,
        '.refresh-20261207T100200Z',
      ];
      for (const f of folders) await mkdir(path.join(lake, f, 'dashboard'), { recursive: true });
      const { steps } = stubSteps();

      await refreshRound(localTarget, { target: 'aws', lake } as never, 'run', lease({}), steps);

      // the running one stays, and so does one named before staging folders carried their owner
      expect((await readdir(lake)).filter((f) => f.startsWith('.refresh-')).sort()).toEqual(folders.slice(1));
    }));

  it('publishes while the lock is safely its own', () =>
    withLake(async (lake) => {
      const { ran, steps } = stubSteps();
      await refreshRound(localTarget, { target: 'aws', lake } as never, 'run', lease({}), steps);
      expect(ran).toEqual([...REFRESH_STEPS]);
    }));
});

describe('ops refresh with a lock (the aws path, steps replaced)', () => {
  it('says in its result when requests may be left to the next trigger', () =>
    withLake(async (lake) => {
      const { lock, state } = memoryLock();
      const target = { ...localTarget, factsWrittenAt: undefined, refreshLock: () => lock };
      const { steps } = stubSteps(async () => {
        state.failPending = 1;
      });

      const r = await runRefresh({ target: 'aws', lake } as never, at('06:00'), { target, steps });

      expect(r.steps.map((s) => s.step)).toEqual([...REFRESH_STEPS]);
      expect(r.requestsLeft).toBe('lock-unreachable');
    }));

  it('defers a second refresh started in the same second: their holders differ', () =>
    withLake(async (lake) => {
      const { lock } = memoryLock();
      const target = { ...localTarget, factsWrittenAt: undefined, refreshLock: () => lock };
      let second: Awaited<ReturnType<typeof runRefresh>> | undefined;
      const opts = { target: 'aws', lake } as never;
      const { steps } = stubSteps(async () => {
        second ??= await runRefresh(opts, at('06:00'), { target, steps: stubSteps().steps });
      });

      const first = await runRefresh(opts, at('06:00'), { target, steps });

      expect(second?.deferredTo?.holder).toMatch(/^refresh 20261201T060000Z [0-9a-f]{8}$/);
      expect(second?.steps).toEqual([]);
      // the first ran a second pass for the request the deferred one made
      expect(first.steps).toHaveLength(REFRESH_STEPS.length);
    }));
});

describe('a recovery build (started for a runner build that failed)', () => {
  const FAILED = 'store-sales-dev-refresh:0d9f6c1e-1111-4a4a-9c9c-000000000001';
  const FAILED_ARN = `arn:aws:codebuild:eu-west-1:123456789012:build/${FAILED}`;
  /** The lock as the failed build left it: named by its holder, most of a TTL still to run. */
  const leftBy = (holder: string) => {
    const { lock, state } = memoryLock(60_000);
    state.holder = holder;
    state.expiresAt = Date.now() + 55_000;
    return { lock, state };
  };
  const recoveryTarget = (lock: RefreshLock) => ({
    ...localTarget,
    factsWrittenAt: undefined,
    refreshLock: () => lock,
  });

  it('takes over at once the lock the failed build holds, and refreshes', () =>
    withLake(async (lake) => {
      const { lock, state } = leftBy(`refresh 20261201T055000Z 1a2b3c4d (build ${FAILED})`);
      const { ran, steps } = stubSteps();
      const target = recoveryTarget(lock);

      const r = await runRefresh({ target: 'aws', lake } as never, at('06:00'), {
        target,
        steps,
        build: 'store-sales-dev-refresh:recovery',
        recovers: FAILED_ARN,
      });

      expect(r.deferredTo).toBeUndefined();
      expect(ran).toEqual([...REFRESH_STEPS]);
      // taken at the second acquire (55 s before its lapse); no request left for a dead holder
      expect(state).toMatchObject({ holder: undefined, requests: 0, acquires: 2 });
    }));

  it('tries a takeover that loses its races again, three times in all', async () => {
    const dead = `refresh 20261201T055000Z 1a2b3c4d (build ${FAILED})`;
    const { lock, state } = leftBy(dead);
    state.failTakeovers = 2;

    const out = await serializedRefresh(lock, 'R', async () => {}, { isDead: (h) => h === dead });

    expect(out).toMatchObject({ passes: 1 });
    expect(state).toMatchObject({ acquires: 4, requests: 0 });
  });

  it("waits for the lapse of a dead holder's lock whose takeovers all lost, never deferring to it", async () => {
    const dead = `refresh 20261201T055000Z 1a2b3c4d (build ${FAILED})`;
    const { lock, state } = memoryLock(1_000);
    state.holder = dead;
    state.expiresAt = Date.now() + 900; // most of its TTL left: no wait but for a dead holder
    state.failTakeovers = 3;

    const out = await serializedRefresh(lock, 'R', async () => {}, { isDead: (h) => h === dead, retryMs: 0 });

    expect(out).toMatchObject({ passes: 1 });
    expect(state).toMatchObject({ holder: undefined, acquires: 5 });
  });

  it("is wired to CodeBuild's variables: a build names itself in the lock, its recovery knows it by the ARN", () =>
    withLake(async (lake) => {
      const { lock, state } = memoryLock(60_000);
      const target = recoveryTarget(lock);
      const opts = { target: 'aws', lake } as never;
      let left = '';
      vi.stubEnv('CODEBUILD_BUILD_ID', FAILED);
      vi.stubEnv('STORE_SALES_RECOVERS_BUILD', '');
      try {
        // the failed build: its holder as it wrote it, kept as if it had died holding the lock
        await runRefresh(opts, at('05:50'), {
          target,
          steps: stubSteps(async () => {
            left = state.holder ?? '';
          }).steps,
        });
        expect(left).toMatch(/^refresh 20261201T055000Z [0-9a-f]{8} \(build store-sales-dev-refresh:/);
        state.holder = left;
        state.expiresAt = Date.now() + 55_000;
        state.token++;
        // its recovery, as the rule starts it
        vi.stubEnv('CODEBUILD_BUILD_ID', 'store-sales-dev-refresh-recovery:0d9f6c1e-2222');
        vi.stubEnv('STORE_SALES_RECOVERS_BUILD', FAILED_ARN);
        const { ran, steps } = stubSteps();
        const r = await runRefresh(opts, at('06:00'), { target, steps });

        expect(r.deferredTo).toBeUndefined();
        expect(ran).toEqual([...REFRESH_STEPS]);
        expect(state).toMatchObject({ holder: undefined, requests: 0 });
      } finally {
        vi.unstubAllEnvs();
      }
    }));

  it('defers, as any refresh, to a lock held by another build', () =>
    withLake(async (lake) => {
      const other = 'refresh 20261201T055000Z 1a2b3c4d (build store-sales-dev-refresh:another)';
      const { lock, state } = leftBy(other);
      const { ran, steps } = stubSteps();
      const target = recoveryTarget(lock);

      const r = await runRefresh({ target: 'aws', lake } as never, at('06:00'), {
        target,
        steps,
        recovers: FAILED_ARN,
      });

      expect(r.deferredTo?.holder).toBe(other);
      expect(ran).toEqual([]);
      expect(state).toMatchObject({ holder: other, requests: 1 });
    }));
});
