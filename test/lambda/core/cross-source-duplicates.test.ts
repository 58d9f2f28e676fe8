import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forEachOrderId, HeldOrderIds, type IdHashPairFn } from '../../../lambda/core/held-order-ids.js';
import { processSource } from '../../../lambda/core/process-source.js';
import type { QuarantineRecord } from '../../../lambda/core/quarantine-writer.js';
import { LocalObjectStore } from '../../../tools/storage/local-object-store.js';
import { jsonLines, TEST_NOW, tempLake, validOrder } from '../support/orders.js';
import { duckRows } from '../support/readers.js';

const A = 'raw/store_sales/orders_a.json';
const B = 'raw/store_sales/orders_b.json';
const opts = { now: () => TEST_NOW, encoderThread: false };
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(() => lake.cleanup());

const loadedIds = async (root = lake.root): Promise<string[]> =>
  (
    await duckRows(
      `select order_id from read_parquet('${root}/processed/store_sales/fact_orders/*/*/*.parquet') order by 1`,
    )
  ).map((r) => String(r.order_id));
const quarantined = async (stem: string): Promise<QuarantineRecord[]> =>
  (await readFile(`${lake.root}/quarantine/store_sales/${stem}.jsonl`, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as QuarantineRecord);

describe('processSource across sources', () => {
  it('quarantines orders another source loaded first, naming that source, whatever the partition', async () => {
    await lake.store.put(A, jsonLines([validOrder(1), validOrder(2, 2025, 2)]));
    await lake.store.put(B, jsonLines([validOrder(2, 2025, 2), validOrder(3), validOrder(1)]));

    await processSource(lake.store, A, opts);
    const b = await processSource(lake.store, B, opts);

    expect(b).toMatchObject({ read: 3, loaded: 1, quarantined: 2, duplicateOf: [A] });
    expect(b.byReason).toEqual({ duplicate_order_id: 2 });
    const rejects = await quarantined('orders_b');
    expect(rejects.map((r) => r.line_number)).toEqual([1, 3]);
    expect(rejects[0]!.message).toBe(
      `order_id: ${validOrder(2, 2025, 2).order_id} was already loaded from ${A}`,
    );
    const ids = [validOrder(1), validOrder(2, 2025, 2), validOrder(3)].map((o) => o.order_id).sort();
    expect(await loadedIds()).toEqual(ids);
  });

  it('names the source that holds each repeated order among several', async () => {
    const C = 'raw/store_sales/orders_c.json';
    const D = 'raw/store_sales/orders_d.json';
    await lake.store.put(A, jsonLines([validOrder(1), validOrder(2)]));
    await lake.store.put(B, jsonLines([validOrder(3, 2025, 2), validOrder(4, 2025, 2)]));
    await lake.store.put(C, jsonLines([validOrder(5, 2025, 3)]));
    const repeats = [validOrder(4, 2025, 2), validOrder(6), validOrder(1), validOrder(5, 2025, 3)];
    await lake.store.put(D, jsonLines(repeats));
    for (const key of [A, B, C]) await processSource(lake.store, key, opts);

    const d = await processSource(lake.store, D, opts);

    expect(d).toMatchObject({ read: 4, loaded: 1, quarantined: 3 });
    expect([...d.duplicateOf].sort()).toEqual([A, B, C]);
    expect((await quarantined('orders_d')).map((r) => [r.line_number, r.message])).toEqual([
      [1, `order_id: ${repeats[0]!.order_id} was already loaded from ${B}`],
      [3, `order_id: ${repeats[2]!.order_id} was already loaded from ${A}`],
      [4, `order_id: ${repeats[3]!.order_id} was already loaded from ${C}`],
    ]);
  });

  it('never counts a re-processed source as a duplicate of itself', async () => {
    await lake.store.put(A, jsonLines([validOrder(1), validOrder(2)]));
    await lake.store.put(B, jsonLines([validOrder(2)]));
    await processSource(lake.store, A, opts);
    await processSource(lake.store, B, opts);

    const again = await processSource(lake.store, A, opts);

    expect(again).toMatchObject({ loaded: 2, quarantined: 0, duplicateOf: [] });
    expect(await processSource(lake.store, B, opts)).toMatchObject({ loaded: 0, duplicateOf: [A] });
  });

  it('does not read the outputs of the sources named unheld (a parallel run compares those itself)', async () => {
    const C = 'raw/store_sales/orders_c.json';
    await lake.store.put(A, jsonLines([validOrder(1)]));
    await lake.store.put(B, jsonLines([validOrder(2)]));
    await lake.store.put(C, jsonLines([validOrder(1), validOrder(2)]));
    await processSource(lake.store, A, opts);
    await processSource(lake.store, B, opts);

    const c = await processSource(lake.store, C, { ...opts, unheldSources: ['orders_a'] });

    expect(c).toMatchObject({ loaded: 1, quarantined: 1, duplicateOf: [B] });
    expect(await processSource(lake.store, C, opts)).toMatchObject({ loaded: 0, duplicateOf: [A, B] });
  });

  it('reads the ids from the processed store, as the Lambda writes to its own bucket', async () => {
    const processed = await tempLake();
    try {
      await lake.store.put(A, jsonLines([validOrder(1)]));
      await lake.store.put(B, jsonLines([validOrder(1), validOrder(2)]));
      const store = new LocalObjectStore(processed.root);
      const stores = { ...opts, processedStore: store, quarantineStore: store };

      await processSource(lake.store, A, stores);
      const b = await processSource(lake.store, B, stores);

      expect(b).toMatchObject({ loaded: 1, quarantined: 1, duplicateOf: [A] });
      expect(await loadedIds(processed.root)).toEqual([1, 2].map((i) => validOrder(i).order_id).sort());
    } finally {
      await processed.cleanup();
    }
  });
});

describe('the held ids of files of many row groups', () => {
  it('reads every row group: a duplicate of the last one is caught, and every id is visited', async () => {
    const orders = Array.from({ length: 250 }, (_, i) => validOrder(i + 1));
    await lake.store.put(A, jsonLines(orders));
    // 40 rows per row group: 7 of them, the ids are read one row group at a time
    await processSource(lake.store, A, { ...opts, rowGroupRows: 40 });
    const [file] = (await lake.store.list('processed/store_sales/fact_orders/')).map((o) => o.key);
    const visited: string[] = [];
    await forEachOrderId(await openAsBlob(lake.store.pathOf(file as string)), (buf, start, end) =>
      visited.push(Buffer.from(buf.subarray(start, end)).toString()),
    );
    expect(visited.sort()).toEqual(orders.map((o) => o.order_id).sort());

    // duplicates of the first and the last row group, beside a new order
    await lake.store.put(B, jsonLines([validOrder(1), validOrder(250), validOrder(251)]));
    const b = await processSource(lake.store, B, opts);
    expect(b).toMatchObject({ loaded: 1, quarantined: 2, duplicateOf: [A] });
  });

  it('skips objects under fact_orders that are no source output, such as a _SUCCESS marker', async () => {
    await lake.store.put('processed/store_sales/fact_orders/year=2025/month=01/_SUCCESS', '');
    await lake.store.put('processed/store_sales/fact_orders/notes.txt', 'not Parquet');
    await lake.store.put(A, jsonLines([validOrder(1), validOrder(2)]));
    expect(await processSource(lake.store, A, opts)).toMatchObject({ loaded: 2, quarantined: 0 });
  });
});

describe('the held ids by their hashes', () => {
  /** Every id of a length gets the same hashes: every lookup of a held length is a candidate. */
  const collide: IdHashPairFn = (_buf, start, end, out) => {
    out[0] = 0;
    out[1] = end - start;
  };
  const C = 'raw/store_sales/orders_c.json';
  /** The orders of these tests: 1 and 2 from A (January), 3 from B (February), the others from nobody. */
  const order = (i: number) => (i === 3 ? validOrder(3, 2025, 2) : validOrder(i));
  const idBytes = (i: number) => Buffer.from(order(i).order_id);
  const holderOf = (held: HeldOrderIds, i: number) => held.holderOf(idBytes(i), 0, idBytes(i).length);
  const factFile = (month: string, stem: string) =>
    `processed/store_sales/fact_orders/order_year=2025/order_month=${month}/part-${stem}.parquet`;
  const [aJan, bFeb] = [factFile('01', 'orders_a'), factFile('02', 'orders_b')];

  beforeEach(async () => {
    await lake.store.put(A, jsonLines([order(1), order(2)]));
    await lake.store.put(B, jsonLines([order(3)]));
    for (const key of [A, B]) await processSource(lake.store, key, opts);
  });

  it('names the holders an exact check names, and confirms them', async () => {
    const held = await HeldOrderIds.load(lake.store, 'orders_c');
    expect(held.size).toBe(3);
    expect([1, 2, 3, 4, 5].map((i) => holderOf(held, i))).toEqual([A, A, B, undefined, undefined]);
    expect(await held.unconfirmedFiles()).toEqual([]);
    // the same with every file's ids by their bytes, checked on the spot
    const exact = await HeldOrderIds.load(lake.store, 'orders_c', [], { exactFiles: [aJan, bFeb] });
    expect([1, 2, 3, 4, 5].map((i) => holderOf(exact, i))).toEqual([A, A, B, undefined, undefined]);
  });

  it('does not confirm a file a collision named; held by its bytes, that file answers only for its ids', async () => {
    const held = await HeldOrderIds.load(lake.store, 'orders_c', [], { hashPair: collide });
    // order 4 is held by nobody: the first colliding entry, A's, answers
    expect(holderOf(held, 4)).toBe(A);
    expect(await held.unconfirmedFiles()).toEqual([aJan]);

    // every answer is checked, not the last one only
    const twice = await HeldOrderIds.load(lake.store, 'orders_c', [], { hashPair: collide });
    expect([holderOf(twice, 4), holderOf(twice, 1)]).toEqual([A, A]);
    expect(await twice.unconfirmedFiles()).toEqual([aJan]);

    const again = await HeldOrderIds.load(lake.store, 'orders_c', [], { hashPair: collide });
    expect(holderOf(again, 1)).toBe(A);
    expect(await again.unconfirmedFiles()).toEqual([]);
    // order 3 is B's, but A's file is listed first
    expect(holderOf(again, 3)).toBe(A);
    expect(await again.unconfirmedFiles()).toEqual([aJan]);

    const aExact = await HeldOrderIds.load(lake.store, 'orders_c', [], {
      hashPair: collide,
      exactFiles: [aJan],
    });
    expect([holderOf(aExact, 1), holderOf(aExact, 3), holderOf(aExact, 4)]).toEqual([A, B, B]);
    expect(await aExact.unconfirmedFiles()).toEqual([bFeb]);
    const both = await HeldOrderIds.load(lake.store, 'orders_c', [], {
      hashPair: collide,
      exactFiles: [aJan, bFeb],
    });
    expect([1, 2, 3, 4].map((i) => holderOf(both, i))).toEqual([A, A, B, undefined]);
  });

  it('does not confirm a file gone since it was read', async () => {
    const held = await HeldOrderIds.load(lake.store, 'orders_c');
    expect([holderOf(held, 1), holderOf(held, 3)]).toEqual([A, B]);
    await lake.store.delete(aJan);
    expect(await held.unconfirmedFiles()).toEqual([aJan]);
  });

  it('runs a source again, holding by their bytes the files that did not confirm, and writes what an exact check writes', async () => {
    await lake.store.put(C, jsonLines([4, 1, 3, 5].map(order)));
    const phases: string[] = [];
    const c = await processSource(lake.store, C, {
      ...opts,
      heldIds: { hashPair: collide },
      onPhase: (phase) => phases.push(phase),
    });

    // A's file named for 4, 3 and 5 (not confirmed), then B's for 4 and 5, then nobody's
    expect(phases).toEqual(['parse', 'encode', 'parse', 'encode', 'parse', 'encode', 'publish']);
    expect(c).toMatchObject({ read: 4, loaded: 2, quarantined: 2, duplicateOf: [A, B] });
    expect((await quarantined('orders_c')).map((r) => [r.line_number, r.message])).toEqual([
      [2, `order_id: ${order(1).order_id} was already loaded from ${A}`],
      [3, `order_id: ${order(3).order_id} was already loaded from ${B}`],
    ]);
    expect(await loadedIds()).toEqual([1, 2, 3, 4, 5].map((i) => order(i).order_id).sort());
  });

  it('names the first listed file holding an id, not a later holder whose other id collides with it', async () => {
    // B also holds order 2 (its duplicate check skipped A) and an order of December 2024, whose
    // file is listed before A's
    await lake.store.put(B, jsonLines([validOrder(6, 2024, 12), order(2), order(3)]));
    await processSource(lake.store, B, { ...opts, unheldSources: ['orders_a'] });
    await lake.store.put(C, jsonLines([order(2)]));
    const phases: string[] = [];
    const c = await processSource(lake.store, C, {
      ...opts,
      heldIds: { hashPair: collide },
      onPhase: (phase) => phases.push(phase),
    });
    // B's December file matches first and holds no order 2 (B's January file does): again, with
    // that file by its bytes; A's January file is the first listed holding order 2
    expect(phases).toEqual(['parse', 'encode', 'parse', 'encode', 'publish']);
    expect(c).toMatchObject({ loaded: 0, quarantined: 1, duplicateOf: [A] });
    expect((await quarantined('orders_c'))[0]?.message).toBe(
      `order_id: ${order(2).order_id} was already loaded from ${A}`,
    );
  });

  it('keeps the first pass when every answer confirms', async () => {
    await lake.store.put(C, jsonLines([order(1), order(6)]));
    const phases: string[] = [];
    const c = await processSource(lake.store, C, { ...opts, onPhase: (phase) => phases.push(phase) });
    expect(phases).toEqual(['parse', 'encode', 'publish']);
    expect(c).toMatchObject({ loaded: 1, quarantined: 1, duplicateOf: [A] });
  });
});
