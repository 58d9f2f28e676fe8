import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_LOCK_KEY, REFRESH_PENDING_KEY, s3RefreshLock } from '../../tools/aws/refresh-lock.js';
import { createBuckets, listKeys } from './support/buckets.js';
import { STACK, useTestbed } from './support/testbed.js';

// The refresh lock against moto's S3: a conditional PUT (If-None-Match: *), as on AWS.
const bed = useTestbed();
const BUCKET = STACK.analyticsBucket;
const lockAt = (iso: string) => s3RefreshLock(bed.clients.s3, BUCKET, { now: () => new Date(iso) });

beforeAll(() => createBuckets(bed.clients.s3, [BUCKET]));
afterEach(async () => {
  await bed.clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: REFRESH_LOCK_KEY }));
});

describe('the refresh lock on S3 (moto)', () => {
  it('is held by one refresh at a time, named to the others, and free again once released', async () => {
    const lock = lockAt('2026-12-01T06:00:00Z');

    expect(await lock.isHeld()).toBe(false);
    const a = await lock.acquire('A');
    expect(a).toEqual({ acquired: true, token: expect.any(String) });
    expect(await lock.acquire('B')).toEqual({
      acquired: false,
      holder: 'A',
      since: '2026-12-01T06:00:00.000Z',
      expiresAt: '2026-12-01T06:10:00.000Z',
    });
    expect(await lock.isHeld()).toBe(true);
    await lock.release(a.acquired ? a.token : '', 'A');
    expect(await lock.acquire('B')).toMatchObject({ acquired: true });
  });

  it('lets exactly one of three refreshes racing for it have it', async () => {
    const lock = lockAt('2026-12-01T06:00:00Z');

    const results = await Promise.all(['A', 'B', 'C'].map((h) => lock.acquire(h)));

    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const winner = ['A', 'B', 'C'][results.findIndex((r) => r.acquired)];
    for (const r of results) if (!r.acquired) expect(r.holder).toBe(winner);
  });

  it('is taken over past its expiry (a holder that died) by exactly one refresh, not before', async () => {
    const a = await lockAt('2026-12-01T06:00:00Z').acquire('A');

    expect(await lockAt('2026-12-01T06:09:00Z').acquire('B')).toMatchObject({ acquired: false, holder: 'A' });
    const late = lockAt('2026-12-01T06:11:00Z');
    const takers = await Promise.all(['B', 'C', 'D'].map((h) => late.acquire(h)));
    expect(takers.filter((r) => r.acquired)).toHaveLength(1);

    // The dead holder coming back releases nothing of its successor's.
    await late.release(a.acquired ? a.token : '', 'A');
    expect(await late.isHeld()).toBe(true);
    const winner = ['B', 'C', 'D'][takers.findIndex((r) => r.acquired)];
    expect(await late.acquire('E')).toMatchObject({ acquired: false, holder: winner });
  });

  it('holds past its first expiry while its holder renews it; a holder taken over renews nothing', async () => {
    const a = await lockAt('2026-12-01T06:00:00Z').acquire('A');
    const first = a.acquired ? a.token : '';

    const renewed = await lockAt('2026-12-01T06:08:00Z').renew('A', first);
    expect(renewed).toEqual(expect.any(String));
    expect(renewed).not.toBe(first);
    // 10 minutes after the lock was taken, 2 after the renewal: still A's
    expect(await lockAt('2026-12-01T06:10:30Z').acquire('B')).toMatchObject({ acquired: false, holder: 'A' });

    // A stops renewing (it died); a TTL after its last renewal B takes the lock over
    expect(await lockAt('2026-12-01T06:18:30Z').acquire('B')).toMatchObject({ acquired: true });
    expect(await lockAt('2026-12-01T06:19:00Z').renew('A', renewed ?? '')).toBeUndefined();
    expect(await lockAt('2026-12-01T06:19:00Z').acquire('C')).toMatchObject({ acquired: false, holder: 'B' });
  });

  it('gives every request for another pass a token of its own', async () => {
    const lock = lockAt('2026-12-01T06:00:00Z');

    await bed.clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: REFRESH_PENDING_KEY }));
    expect(await lock.pending()).toBeUndefined();
    await lock.markPending();
    const first = await lock.pending();
    await lock.markPending();
    const second = await lock.pending();

    expect(first).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    const keys = (await listKeys(bed.clients.s3, BUCKET, 'locks/')).map((k) => k.key);
    expect(keys).toEqual([REFRESH_PENDING_KEY]);
  });
});
