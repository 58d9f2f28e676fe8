import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLeaseHeld, releaseLease, renewLease, tryAcquireLease } from '../../../lambda/core/lease.js';
import type { ObjectStore } from '../../../lambda/core/object-store.js';
import { tempLake } from '../support/orders.js';

// The lease's paths that need another writer between two calls (a race lost, a lease released
// meanwhile), played on a local lake; the contract on both stores is in
// test/support/compare-and-swap-contract.ts.
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeAll(async () => {
  lake = await tempLake();
});
afterAll(() => lake.cleanup());

let n = 0;
const fresh = () => `state/lease-test/${++n}.json`;
const at = (iso: string) => ({ ttlMs: 60_000, now: () => new Date(iso) });

/**
 * The lake's store, with `before` run ahead of the next conditional write or delete (once): what
 * another writer does between this caller's read and its write. `lose` makes that write answer as
 * a lost race (S3's 409) without writing.
 */
function interleaved(before: {
  putIf?: () => Promise<void>;
  deleteIf?: () => Promise<void>;
  lose?: boolean;
}) {
  const store: ObjectStore = lake.store;
  let putIfHook = before.putIf;
  let deleteIfHook = before.deleteIf;
  const wrapped: ObjectStore = Object.create(store);
  wrapped.putIf = async (key, body, expected, options) => {
    const hook = putIfHook;
    putIfHook = undefined;
    if (hook) {
      await hook();
      if (before.lose) return undefined;
    }
    return store.putIf(key, body, expected, options);
  };
  wrapped.deleteIf = async (key, expected) => {
    const hook = deleteIfHook;
    deleteIfHook = undefined;
    if (hook) {
      await hook();
      if (before.lose) return false;
    }
    return store.deleteIf(key, expected);
  };
  return wrapped;
}

describe('a lease, between other writers', () => {
  it('counts an object that is not a lease as expired: it is taken over', async () => {
    const key = fresh();
    await lake.store.putIf(key, 'not json', null);

    expect(await isLeaseHeld(lake.store, key)).toBe(false);
    expect(await tryAcquireLease(lake.store, key, 'A', at('2026-12-01T06:00:00Z'))).toMatchObject({
      acquired: true,
    });
    expect(await isLeaseHeld(lake.store, key, () => new Date('2026-12-01T06:00:30Z'))).toBe(true);
  });

  it('is free at its expiry to the millisecond', async () => {
    const key = fresh();
    await tryAcquireLease(lake.store, key, 'A', at('2026-12-01T06:00:00Z'));

    expect(await isLeaseHeld(lake.store, key, () => new Date('2026-12-01T06:00:59.999Z'))).toBe(true);
    expect(await isLeaseHeld(lake.store, key, () => new Date('2026-12-01T06:01:00.000Z'))).toBe(false);
    expect(await tryAcquireLease(lake.store, key, 'B', at('2026-12-01T06:01:00.000Z'))).toMatchObject({
      acquired: true,
    });
  });

  it('is created on a later try when the lease it found held was released before its read', async () => {
    const key = fresh();
    const a = await tryAcquireLease(lake.store, key, 'A', at('2026-12-01T06:00:00Z'));
    // B's create fails (A holds it); A releases before B reads
    const store = interleaved({
      putIf: async () => {
        await releaseLease(lake.store, key, a.acquired ? a.token : '');
      },
      lose: true,
    });

    expect(await tryAcquireLease(store, key, 'B', at('2026-12-01T06:00:10Z'))).toMatchObject({
      acquired: true,
    });
    expect((await lake.store.read(key))?.bytes.toString()).toContain('"holder":"B"');
  });

  it('gives up after three lost races, naming the holder it finds', async () => {
    const key = fresh();
    await tryAcquireLease(lake.store, key, 'A', at('2026-12-01T06:00:00Z'));
    let writes = 0;
    const store: ObjectStore = Object.create(lake.store);
    store.putIf = async () => {
      writes++;
      return undefined;
    };

    expect(await tryAcquireLease(store, key, 'B', at('2026-12-01T07:00:00Z'))).toEqual({
      acquired: false,
      holder: 'A',
      since: '2026-12-01T06:00:00.000Z',
      expiresAt: '2026-12-01T06:01:00.000Z',
    });
    // create, then take over, in each of three tries
    expect(writes).toBe(6);
  });

  it('renews to its new version, or keeps its token when the write lost a race and the lease is still that version', async () => {
    const key = fresh();
    const a = await tryAcquireLease(lake.store, key, 'A', at('2026-12-01T06:00:00Z'));
    const token = a.acquired ? a.token : '';

    const lost = await renewLease(
      interleaved({ putIf: async () => {}, lose: true }),
      key,
      'A',
      token,
      at('2026-12-01T06:00:20Z'),
    );
    expect(lost).toBe(token);

    const renewed = await renewLease(lake.store, key, 'A', token, at('2026-12-01T06:00:30Z'));
    expect(renewed).not.toBe(token);
    expect((await lake.store.read(key))?.version).toBe(renewed);
    // a lease gone between the read and the write was not renewed
    const gone = await renewLease(
      interleaved({ putIf: () => lake.store.deleteIf(key, renewed as string).then(() => undefined) }),
      key,
      'A',
      renewed as string,
      at('2026-12-01T06:00:40Z'),
    );
    expect(gone).toBeUndefined();
    // nor one another holder took over between the read and the write
    const key2 = fresh();
    const a2 = await tryAcquireLease(lake.store, key2, 'A', at('2026-12-01T06:00:00Z'));
    const takenOver = interleaved({
      putIf: async () => {
        await tryAcquireLease(lake.store, key2, 'B', at('2026-12-01T06:05:00Z'));
      },
    });
    expect(
      await renewLease(takenOver, key2, 'A', a2.acquired ? a2.token : '', at('2026-12-01T06:05:00Z')),
    ).toBeUndefined();
    expect((await lake.store.read(key2))?.bytes.toString()).toContain('"holder":"B"');
    // and one gone before it was read
    expect(
      await renewLease(lake.store, key, 'A', renewed as string, at('2026-12-01T06:00:50Z')),
    ).toBeUndefined();
  });

  it('releases after a lost race while still its own; reports one passed on, and one gone, truly', async () => {
    const key = fresh();
    const a = await tryAcquireLease(lake.store, key, 'A', at('2026-12-01T06:00:00Z'));
    const token = a.acquired ? a.token : '';

    expect(await releaseLease(interleaved({ deleteIf: async () => {}, lose: true }), key, token, 'A')).toBe(
      true,
    );
    expect(await lake.store.read(key)).toBeUndefined();

    // released by another call meanwhile: gone, which is what releasing asked for
    const b = await tryAcquireLease(lake.store, key, 'B', at('2026-12-01T06:00:00Z'));
    const bToken = b.acquired ? b.token : '';
    const releasedMeanwhile = interleaved({
      deleteIf: () => lake.store.deleteIf(key, bToken).then(() => undefined),
      lose: true,
    });
    expect(await releaseLease(releasedMeanwhile, key, bToken, 'B')).toBe(true);

    // taken over by C since: not released, C's lease left alone
    const c = await tryAcquireLease(lake.store, key, 'C', at('2026-12-01T06:00:00Z'));
    expect(c.acquired).toBe(true);
    expect(await releaseLease(lake.store, key, bToken, 'B')).toBe(false);
    expect((await lake.store.read(key))?.bytes.toString()).toContain('"holder":"C"');
  });

  it('throws when every delete loses a race while the lease is still its own, which it leaves', async () => {
    const key = fresh();
    const a = await tryAcquireLease(lake.store, key, 'A', at('2026-12-01T06:00:00Z'));
    const store: ObjectStore = Object.create(lake.store);
    store.deleteIf = async () => false;

    await expect(releaseLease(store, key, a.acquired ? a.token : '', 'A')).rejects.toThrow(
      'every delete of the lease lost a race',
    );
    expect((await lake.store.read(key))?.bytes.toString()).toContain('"holder":"A"');
  });
});
