import { expect, it } from 'vitest';
import { isLeaseHeld, releaseLease, renewLease, tryAcquireLease } from '../../lambda/core/lease.js';
import type { ObjectStore } from '../../lambda/core/object-store.js';

let n = 0;

/**
 * The conditional writes the ledgers and leases rely on (`ObjectStore.putIf`/`deleteIf`, and the
 * leases of lambda/core/lease.ts on them): the same contract on every store. Called inside a
 * `describe` with the store to test: a local lake (test/lambda/core, also in the mutation set) and
 * S3 on moto (test/aws, If-None-Match / If-Match as AWS implements them).
 */
export function compareAndSwapContract(storeOf: () => ObjectStore): void {
  const fresh = () => `state/cas-test/${++n}.json`;

  it('creates only if absent, replaces only the version read, and deletes only that version', async () => {
    const store = storeOf();
    const key = fresh();

    expect(await store.read(key)).toBeUndefined();
    const v1 = await store.putIf(key, 'one', null);
    expect(v1).toEqual(expect.any(String));
    expect(await store.putIf(key, 'again', null)).toBeUndefined();
    const read = await store.read(key);
    expect(read?.bytes.toString()).toBe('one');
    expect(read?.version).toBe(v1);

    const v2 = await store.putIf(key, 'two', v1 as string);
    expect(v2).toEqual(expect.any(String));
    expect(v2).not.toBe(v1);
    // a writer still holding the first version loses, and changes nothing
    expect(await store.putIf(key, 'stale', v1 as string)).toBeUndefined();
    expect(await store.deleteIf(key, v1 as string)).toBe(false);
    expect((await store.read(key))?.bytes.toString()).toBe('two');

    expect(await store.deleteIf(key, v2 as string)).toBe(true);
    expect(await store.read(key)).toBeUndefined();
    expect(await store.putIf(key, 'gone', v2 as string)).toBeUndefined();
  });

  it('lets exactly one of several racing writers create a key, and one replace a version', async () => {
    const store = storeOf();
    const key = fresh();

    const created = await Promise.all(['a', 'b', 'c', 'd'].map((w) => store.putIf(key, w, null)));
    expect(created.filter(Boolean)).toHaveLength(1);
    const base = created.find(Boolean) as string;
    const replaced = await Promise.all(['e', 'f', 'g'].map((w) => store.putIf(key, w, base)));
    expect(replaced.filter(Boolean)).toHaveLength(1);
  });

  it('gives a lease to one holder at a time, lets an expired one be taken over, and releases only its own', async () => {
    const store = storeOf();
    const key = fresh();
    const at = (iso: string) => ({ ttlMs: 60_000, now: () => new Date(iso) });

    const a = await tryAcquireLease(store, key, 'A', at('2026-12-01T06:00:00Z'));
    expect(a).toEqual({ acquired: true, token: expect.any(String) });
    expect(await tryAcquireLease(store, key, 'B', at('2026-12-01T06:00:30Z'))).toEqual({
      acquired: false,
      holder: 'A',
      since: '2026-12-01T06:00:00.000Z',
      expiresAt: '2026-12-01T06:01:00.000Z',
    });
    expect(await isLeaseHeld(store, key, () => new Date('2026-12-01T06:00:59Z'))).toBe(true);
    expect(await isLeaseHeld(store, key, () => new Date('2026-12-01T06:01:01Z'))).toBe(false);

    const b = await tryAcquireLease(store, key, 'B', at('2026-12-01T06:01:01Z'));
    expect(b).toMatchObject({ acquired: true });
    // A, back from the dead, releases nothing of B's
    await releaseLease(store, key, a.acquired ? a.token : '');
    expect(await tryAcquireLease(store, key, 'C', at('2026-12-01T06:01:02Z'))).toMatchObject({
      acquired: false,
      holder: 'B',
    });
    await releaseLease(store, key, b.acquired ? b.token : '');
    expect(await store.read(key)).toBeUndefined();
  });

  it('knows its own lease by its holder id when a write’s answer was lost', async () => {
    const store = storeOf();
    const key = fresh();
    const opts = { ttlMs: 60_000 };
    const a = await tryAcquireLease(store, key, 'A', opts);
    if (!a.acquired) throw new Error('not acquired');
    // A's renewal succeeded but its answer was lost: A still holds the old token
    const renewedUnseen = await renewLease(store, key, 'A', a.token, opts);
    expect(renewedUnseen).toEqual(expect.any(String));

    // an acquire retried after its write landed finds the lease its own
    expect(await tryAcquireLease(store, key, 'A', opts)).toMatchObject({ acquired: true });
    // the stale token still renews (the version names A) and releases
    expect(await renewLease(store, key, 'A', a.token, opts)).toEqual(expect.any(String));
    expect(await releaseLease(store, key, a.token, 'A')).toBe(true);
    expect(await store.read(key)).toBeUndefined();
    // B's stale token neither renews nor releases A's lease
    const again = await tryAcquireLease(store, key, 'A', opts);
    expect(again.acquired).toBe(true);
    expect(await renewLease(store, key, 'B', a.token, opts)).toBeUndefined();
    expect(await releaseLease(store, key, a.token, 'B')).toBe(false);
    expect(await store.read(key)).toBeDefined();
  });

  it('gives a holder taking its own lease back a whole TTL from then, not what was left of the old one', async () => {
    const store = storeOf();
    const key = fresh();
    const at = (iso: string) => ({ ttlMs: 60_000, now: () => new Date(iso) });

    const first = await tryAcquireLease(store, key, 'A', at('2026-12-01T06:00:00Z'));
    // A's release failed; at 06:00:50 it takes its lock back for another pass
    const back = await tryAcquireLease(store, key, 'A', at('2026-12-01T06:00:50Z'));
    expect(back).toEqual({ acquired: true, token: expect.any(String) });
    expect(back).not.toEqual(first);

    // past the first expiry, the lease is still A's until a minute after it was taken back
    expect(await tryAcquireLease(store, key, 'B', at('2026-12-01T06:01:30Z'))).toMatchObject({
      acquired: false,
      holder: 'A',
    });
    expect(await tryAcquireLease(store, key, 'B', at('2026-12-01T06:01:51Z'))).toMatchObject({
      acquired: true,
    });
  });

  it('takes over at once the unexpired lease of a holder named dead, and no other', async () => {
    const store = storeOf();
    const key = fresh();
    const at = (iso: string, deadHolder?: string) => ({
      ttlMs: 60_000,
      now: () => new Date(iso),
      deadHolder,
    });

    const a = await tryAcquireLease(store, key, 'A', at('2026-12-01T06:00:00Z'));
    expect(await tryAcquireLease(store, key, 'C', at('2026-12-01T06:00:10Z', 'B'))).toMatchObject({
      acquired: false,
      holder: 'A',
    });
    const c = await tryAcquireLease(store, key, 'C', at('2026-12-01T06:00:10Z', 'A'));
    expect(c).toEqual({ acquired: true, token: expect.any(String) });
    // the dead holder's lease is gone: it can neither renew nor release C's
    expect(
      await renewLease(store, key, 'A', (a as { token: string }).token, at('2026-12-01T06:00:20Z')),
    ).toBe(undefined);
    expect(await releaseLease(store, key, (a as { token: string }).token, 'A')).toBe(false);
    // naming a holder dead does not take over a lease another holder took meanwhile
    expect(await tryAcquireLease(store, key, 'D', at('2026-12-01T06:00:30Z', 'A'))).toMatchObject({
      acquired: false,
      holder: 'C',
    });
  });
}
