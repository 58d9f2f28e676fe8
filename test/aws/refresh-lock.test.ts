import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_LOCK_KEY, REFRESH_PENDING_KEY, s3RefreshLock } from '../../tools/aws/refresh-lock.js';
import { createBuckets, listKeys } from './support/buckets.js';
import { STACK, useTestbed } from './support/testbed.js';

// The refresh lock against moto's S3: a conditional PUT (If-None-Match: *), as on AWS.
const bed = useTestbed();
const BUCKET = STACK.analyticsBucket;
const lockAt = (iso: string) =>
  s3RefreshLock(bed.clients.s3, BUCKET, { now: () => new Date(iso), ttlMs: 60 * 60 * 1000 });

beforeAll(() => createBuckets(bed.clients.s3, [BUCKET]));
afterEach(async () => {
  await lockAt('2026-12-01T00:00:00Z').release();
});

describe('the refresh lock on S3 (moto)', () => {
  it('is held by one refresh at a time, named to the others, and free again once released', async () => {
    const lock = lockAt('2026-12-01T06:00:00Z');

    expect(await lock.isHeld()).toBe(false);
    expect(await lock.acquire('A')).toEqual({ acquired: true });
    expect(await lock.acquire('B')).toEqual({
      acquired: false,
      holder: 'A',
      since: '2026-12-01T06:00:00.000Z',
    });
    expect(await lock.isHeld()).toBe(true);
    await lock.release();
    expect(await lock.acquire('B')).toEqual({ acquired: true });
  });

  it('lets exactly one of three refreshes racing for it have it', async () => {
    const lock = lockAt('2026-12-01T06:00:00Z');

    const results = await Promise.all(['A', 'B', 'C'].map((h) => lock.acquire(h)));

    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const winner = ['A', 'B', 'C'][results.findIndex((r) => r.acquired)];
    for (const r of results) if (!r.acquired) expect(r.holder).toBe(winner);
  });

  it('takes over a lock past its expiry (a holder that died), not before', async () => {
    expect(await lockAt('2026-12-01T06:00:00Z').acquire('A')).toEqual({ acquired: true });

    expect(await lockAt('2026-12-01T06:59:00Z').acquire('B')).toMatchObject({ acquired: false, holder: 'A' });
    expect(await lockAt('2026-12-01T07:01:00Z').acquire('B')).toEqual({ acquired: true });
    expect(await lockAt('2026-12-01T07:02:00Z').acquire('C')).toMatchObject({ acquired: false, holder: 'B' });
  });

  it('records when another refresh asked for a pass, with the store’s clock', async () => {
    const lock = lockAt('2026-12-01T06:00:00Z');
    const before = Date.now() - 2_000;

    expect(await lock.pendingAt()).toBeUndefined();
    await lock.markPending();

    const asked = await lock.pendingAt();
    expect(asked?.getTime()).toBeGreaterThanOrEqual(before);
    const keys = (await listKeys(bed.clients.s3, BUCKET, 'locks/')).map((k) => k.key);
    expect(keys).toEqual([REFRESH_PENDING_KEY]);
    expect(keys).not.toContain(REFRESH_LOCK_KEY);
  });
});
