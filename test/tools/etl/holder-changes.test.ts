import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawOrder } from '../../../contracts/raw-order.js';
import type { QuarantineRecord } from '../../../lambda/core/quarantine-writer.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { jsonLines, tempLake, validOrder } from '../../lambda/support/orders.js';
import { duckRows } from '../../lambda/support/readers.js';

/**
 * A holder changes under its twin (docs/duplicates.md): A = January, B = a copy of it under
 * another name, whose orders are all quarantined as duplicates of A. Then A loses an order (its
 * line removed, or made invalid): the order must load from B, once, and B's quarantine must stop
 * saying A loaded it. And a twin whose re-run fails (its holder deleted, its publish refused) is
 * retried until it succeeds, the lake consistent afterwards.
 */
const A = 'raw/store_sales/orders_2025_01.json';
const B = 'raw/store_sales/orders_2025_01_resend.json';
/** Sorts before A: a twin processed before its holder in key order. */
const EARLY = 'raw/store_sales/orders_2025_01-copy.json';
const ORDERS = [1, 2, 3, 4, 5].map((i) => validOrder(i));
const FIRST = ORDERS[0]?.order_id as string;

let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(() => lake.cleanup());

const put = (key: string, orders: (RawOrder | string)[]) => lake.store.put(key, jsonLines(orders));
const run = (extra: { files?: string[]; force?: boolean; workers?: number } = {}) =>
  runLocalEtl({ lake: lake.root, workers: 1, ...extra });
const facts = (table: string) => `read_parquet('${lake.root}/processed/store_sales/${table}/*/*/*.parquet')`;

/** How many fact_orders rows each order_id has, and from which source. */
async function loadedOrders(): Promise<Record<string, string[]>> {
  const rows = await duckRows(
    `select order_id, source_file from ${facts('fact_orders')} order by order_id, source_file`,
  );
  const byId: Record<string, string[]> = {};
  for (const r of rows) {
    const id = String(r.order_id);
    byId[id] = [...(byId[id] ?? []), String(r.source_file)];
  }
  return byId;
}

/** Item rows whose order has no fact_orders row (a half-published source leaves them). */
async function orphanItems(): Promise<number> {
  const [row] = await duckRows(
    `select count(*)::int as n from ${facts('fact_order_items')} i
     where not exists (select 1 from ${facts('fact_orders')} o where o.order_id = i.order_id)`,
  );
  return Number(row?.n);
}

const quarantineOf = async (key: string): Promise<QuarantineRecord[]> => {
  const stem = key.slice(key.lastIndexOf('/') + 1).replace(/\.json$/, '');
  const text = await readFile(`${lake.root}/quarantine/store_sales/${stem}.jsonl`, 'utf8').catch(() => '');
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as QuarantineRecord);
};
/** The quarantine records claiming `orderId` was already loaded (from whichever holder). */
const duplicateClaims = async (key: string, orderId: string) =>
  (await quarantineOf(key)).filter((r) => r.reason === 'duplicate_order_id' && r.raw.includes(orderId));

const state = async () => JSON.parse(await readFile(`${lake.root}/state/etl-state.json`, 'utf8'));

/** Each of the five orders has exactly one fact_orders row, and no item lacks its order. */
async function expectEachOrderOnce(): Promise<Record<string, string[]>> {
  const loaded = await loadedOrders();
  expect(Object.keys(loaded).sort()).toEqual(ORDERS.map((o) => o.order_id).sort());
  for (const sources of Object.values(loaded)) expect(sources).toHaveLength(1);
  expect(await orphanItems()).toBe(0);
  return loaded;
}

describe('a holder re-processed under its twin', () => {
  it('an order removed from the holder loads from the twin, whose quarantine no longer claims it', async () => {
    await put(A, ORDERS);
    await put(B, ORDERS);
    const first = await run();
    expect(first.processed.map((r) => [r.sourceKey, r.loaded, r.quarantined])).toEqual([
      [A, 5, 0],
      [B, 0, 5],
    ]);
    await put(A, ORDERS.slice(1)); // `sed -i 1d A`

    const second = await run();

    expect(second.failed).toEqual([]);
    expect(second.processed.map((r) => [r.sourceKey, r.loaded, r.quarantined])).toEqual([
      [A, 4, 0],
      [B, 1, 4],
    ]);
    expect(second.skipped).toEqual([]);
    const loaded = await expectEachOrderOnce();
    expect(loaded[FIRST]).toEqual([B]);
    expect(await duplicateClaims(B, FIRST)).toEqual([]);
    expect((await state()).sources[B].holdersChanged).toBeUndefined();
    // settled: nothing runs again
    expect(await run()).toMatchObject({ processed: [], skipped: [A, B] });
  });

  it('an order made invalid in the holder loads from the twin', async () => {
    await put(A, ORDERS);
    await put(B, ORDERS);
    await run();
    await put(A, [{ ...(ORDERS[0] as RawOrder), status: 'lost' as RawOrder['status'] }, ...ORDERS.slice(1)]);

    const s = await run();

    expect(s.processed.map((r) => [r.sourceKey, r.loaded, r.quarantined])).toEqual([
      [A, 4, 1],
      [B, 1, 4],
    ]);
    expect((await expectEachOrderOnce())[FIRST]).toEqual([B]);
    expect(await duplicateClaims(B, FIRST)).toEqual([]);
  });

  it('a twin sorting before its holder runs again after it, also when named with --file', async () => {
    await put(A, ORDERS);
    await run();
    await put(EARLY, ORDERS);
    await run();
    await put(A, ORDERS.slice(1));

    const s = await run({ files: ['orders_2025_01.json'] });

    expect(s.processed.map((r) => [r.sourceKey, r.loaded])).toEqual([
      [A, 4],
      [EARLY, 1],
    ]);
    expect((await expectEachOrderOnce())[FIRST]).toEqual([EARLY]);
    expect(await duplicateClaims(EARLY, FIRST)).toEqual([]);
  });

  it('a twin that ran before its holder in the same run runs again after it (both changed)', async () => {
    await put(A, ORDERS);
    await run();
    await put(EARLY, ORDERS);
    await run();
    const extra = validOrder(6);
    await put(EARLY, [...ORDERS, extra]);
    await put(A, ORDERS.slice(1));

    const s = await run();

    expect(s.processed.map((r) => [r.sourceKey, r.loaded])).toEqual([
      [EARLY, 1], // its new order only: the first is still A's when it runs
      [A, 4],
      [EARLY, 2],
    ]);
    const loaded = await loadedOrders();
    expect(loaded[FIRST]).toEqual([EARLY]);
    expect(loaded[extra.order_id]).toEqual([EARLY]);
    for (const sources of Object.values(loaded)) expect(sources).toHaveLength(1);
    expect(await duplicateClaims(EARLY, FIRST)).toEqual([]);
  });

  it('a holder re-processed without dropping any order leaves its twin alone', async () => {
    await put(A, ORDERS);
    await put(B, ORDERS);
    await run();
    await put(A, [...ORDERS, validOrder(6)]);

    const s = await run();

    expect(s.processed.map((r) => [r.sourceKey, r.loaded, r.released])).toEqual([[A, 6, undefined]]);
    expect(s.skipped).toEqual([B]);
  });

  it('gives the same files and state with worker processes', async () => {
    const runs: Record<string, string>[] = [];
    for (const workers of [1, 3]) {
      await lake.cleanup();
      lake = await tempLake();
      await put(A, ORDERS);
      await run({ workers });
      await put(EARLY, ORDERS);
      await put(B, ORDERS);
      await run({ workers });
      await put(EARLY, [...ORDERS, validOrder(6)]);
      await put(A, ORDERS.slice(1));
      const s = await run({ workers });
      expect(s.processed.map((r) => r.sourceKey)).toEqual([EARLY, A, EARLY, B]);
      const st = await state();
      // the files were written at other times in the two lakes
      for (const src of Object.values(st.sources) as { processedAt?: string; mtimeMs?: number }[]) {
        delete src.processedAt;
        delete src.mtimeMs;
      }
      runs.push({
        orders: JSON.stringify(await loadedOrders()),
        quarantine: JSON.stringify([await quarantineOf(EARLY), await quarantineOf(B)]),
        state: JSON.stringify(st),
      });
    }
    expect(runs[1]).toEqual(runs[0]);
  }, 60_000);
});

describe('a failed run is retried', () => {
  /** Makes the publish of B's fact_orders fail: its final name is a directory (EISDIR on rename). */
  const blockB = () =>
    mkdir(
      `${lake.root}/processed/store_sales/fact_orders/order_year=2025/order_month=01/part-orders_2025_01_resend.parquet`,
      { recursive: true },
    );
  const unblockB = () =>
    rmdir(
      `${lake.root}/processed/store_sales/fact_orders/order_year=2025/order_month=01/part-orders_2025_01_resend.parquet`,
    );

  it('a twin whose re-run fails once its holder is deleted stays due until it succeeds', async () => {
    await put(A, ORDERS);
    await put(B, ORDERS);
    await run();
    await rm(lake.store.pathOf(A));
    await blockB();

    const failed = await run();

    expect(failed.retired).toEqual([A]);
    expect(failed.failed.map((f) => f.key)).toEqual([B]);
    expect((await state()).sources[B]).toMatchObject({ failed: true, holdersChanged: [A] });
    await unblockB();

    const retried = await run();

    expect(retried.failed).toEqual([]);
    expect(retried.processed.map((r) => [r.sourceKey, r.loaded, r.quarantined])).toEqual([[B, 5, 0]]);
    expect(Object.values(await expectEachOrderOnce()).flat()).toEqual([B, B, B, B, B]);
    expect(await quarantineOf(B)).toEqual([]);
    const st = (await state()).sources[B];
    expect(st.failed).toBeUndefined();
    expect(st.holdersChanged).toBeUndefined();
    expect(await run()).toMatchObject({ processed: [], skipped: [B], failed: [] });
  });

  it('a changed file whose publish fails halfway is retried, forced or named, and the lake is consistent after', async () => {
    await put(A, ORDERS);
    await put(B, [validOrder(7, 2025, 2)]);
    await run();
    // now in January, where its fact_orders file cannot be published
    await put(B, [validOrder(7), validOrder(8)]);
    await blockB();
    expect((await run({ force: true })).failed.map((f) => f.key)).toEqual([B]);
    expect((await run({ files: [B] })).failed.map((f) => f.key)).toEqual([B]);
    await unblockB();

    const retried = await run();

    expect(retried.processed.map((r) => [r.sourceKey, r.loaded])).toEqual([[B, 2]]);
    expect(await orphanItems()).toBe(0);
    const loaded = await loadedOrders();
    expect(Object.keys(loaded)).toHaveLength(7);
    for (const sources of Object.values(loaded)) expect(sources).toHaveLength(1);
    // its February file is gone with the run that moved it
    expect(retried.processed[0]?.removed).toHaveLength(2);
  });

  it('an unchanged file whose run named with --file or forced fails is retried by the next plain run', async () => {
    await put(A, ORDERS);
    await put(EARLY, [validOrder(7)]);
    await run();
    // A's facts unreadable: every other source's duplicate check throws while reading them
    const aFacts = `${lake.root}/processed/store_sales/fact_orders/order_year=2025/order_month=01/part-orders_2025_01.parquet`;
    const good = await readFile(aFacts);
    await writeFile(aFacts, 'not parquet');

    const named = await run({ files: [EARLY] });
    expect(named.failed.map((f) => f.key)).toEqual([EARLY]);
    expect((await state()).sources[EARLY]).toMatchObject({ failed: true });
    await writeFile(aFacts, good);
    expect((await run()).processed.map((r) => r.sourceKey)).toEqual([EARLY]);

    await writeFile(aFacts, 'not parquet');
    // forced: EARLY runs first and fails on A's facts, then A rewrites them
    const forced = await run({ force: true });
    expect(forced.failed.map((f) => f.key)).toEqual([EARLY]);
    expect(forced.processed.map((r) => r.sourceKey)).toEqual([A]);

    const retried = await run();

    expect(retried.processed.map((r) => r.sourceKey)).toEqual([EARLY]);
    expect(retried.failed).toEqual([]);
    expect(Object.keys(await loadedOrders())).toHaveLength(6);
    expect(await orphanItems()).toBe(0);
  });

  it('a holder whose publish fails after dropping an order: its twin was flagged before, and loads it', async () => {
    await put(A, ORDERS);
    await put(B, ORDERS);
    await run();
    // A drops its first order and gains one in February, where its fact_orders cannot be
    // published: January's file (without the order) is replaced first, then the run fails
    await put(A, [...ORDERS.slice(1), validOrder(9, 2025, 2)]);
    const feb = `${lake.root}/processed/store_sales/fact_orders/order_year=2025/order_month=02/part-orders_2025_01.parquet`;
    await mkdir(feb, { recursive: true });
    const failed = await run();
    expect(failed.failed.map((f) => f.key)).toEqual([A]);
    expect((await state()).sources[B]).toMatchObject({ holdersChanged: [A] });
    await rmdir(feb);

    const retried = await run();

    // A's January facts already lack the order, so A releases nothing now: only the flag saves it
    expect(retried.processed.map((r) => [r.sourceKey, r.released])).toEqual([
      [A, undefined],
      [B, undefined],
    ]);
    const loaded = await loadedOrders();
    expect(loaded[FIRST]).toEqual([B]);
    for (const sources of Object.values(loaded)) expect(sources).toHaveLength(1);
    expect(Object.keys(loaded)).toHaveLength(6);
    expect(await orphanItems()).toBe(0);
    expect(await duplicateClaims(B, FIRST)).toEqual([]);
  });

  it('a twin whose re-run after a changed holder fails stays due', async () => {
    await put(A, ORDERS);
    await put(B, ORDERS);
    await run();
    await put(A, ORDERS.slice(1));
    await blockB();
    const failed = await run();
    expect(failed.processed.map((r) => r.sourceKey)).toEqual([A]);
    expect(failed.failed.map((f) => f.key)).toEqual([B]);
    await unblockB();

    const retried = await run();

    expect(retried.processed.map((r) => [r.sourceKey, r.loaded])).toEqual([[B, 1]]);
    expect((await expectEachOrderOnce())[FIRST]).toEqual([B]);
    expect(await duplicateClaims(B, FIRST)).toEqual([]);
  });
});
