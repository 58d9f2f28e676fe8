import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderIdSet } from '../../../lambda/core/order-id-set.js';
import { processSource } from '../../../lambda/core/process-source.js';
import { intersects, loadedIdHashes, orderIdHashes } from '../../../tools/etl/order-id-hashes.js';
import { jsonLines, TEST_NOW, tempLake, validOrder } from '../../lambda/support/orders.js';

// The sorted order_id hashes a parallel `ops etl` compares sources with, read from the Parquet
// the ETL wrote: more ids than the first buffer holds (65,536), over two files.
let lake: Awaited<ReturnType<typeof tempLake>>;
let bigLoaded: OrderIdSet | undefined;
const factOrders = (stem: string, month: string) =>
  `${lake.root}/processed/store_sales/fact_orders/order_year=2025/order_month=${month}/part-${stem}.parquet`;

beforeAll(async () => {
  lake = await tempLake();
  const big = Array.from({ length: 70_000 }, (_, i) => validOrder(i, 2025, 1 + (i % 2)));
  await lake.store.put('raw/store_sales/orders_big.json', jsonLines(big));
  // one order of its own and one the big source also has, loaded as a worker of a parallel run
  // does (not checked against the big source's outputs: comparing the hashes is what finds it)
  await lake.store.put(
    'raw/store_sales/orders_small.json',
    jsonLines([validOrder(70_001), validOrder(5, 2025, 2)]),
  );
  const options = { now: () => TEST_NOW, encoderThread: false };
  await processSource(lake.store, 'raw/store_sales/orders_big.json', {
    ...options,
    onLoadedIds: (ids) => (bigLoaded = ids),
  });
  await processSource(lake.store, 'raw/store_sales/orders_small.json', {
    ...options,
    unheldSources: ['orders_big'],
  });
}, 60_000);
afterAll(() => lake.cleanup());

describe('orderIdHashes', () => {
  it('hashes every id of every file once, sorted ascending, without collisions among distinct ids', async () => {
    const hashes = await orderIdHashes([factOrders('orders_big', '01'), factOrders('orders_big', '02')]);
    expect(hashes).toHaveLength(70_000);
    expect(hashes.every((h, i) => i === 0 || (hashes[i - 1] as number) < h)).toBe(true);
    expect(hashes.every((h) => Number.isSafeInteger(h) && h >= 0)).toBe(true);
  });

  it('gives the same hashes from the set a source loaded as from the Parquet it wrote', async () => {
    const fromFiles = await orderIdHashes([factOrders('orders_big', '01'), factOrders('orders_big', '02')]);
    expect(bigLoaded?.size).toBe(70_000);
    expect(await loadedIdHashes(bigLoaded as OrderIdSet)).toEqual(fromFiles);
  });

  it('tells sources that share an id from sources that do not', async () => {
    const january = await orderIdHashes([factOrders('orders_big', '01')]);
    const february = await orderIdHashes([factOrders('orders_big', '02')]);
    const small = await orderIdHashes([factOrders('orders_small', '01'), factOrders('orders_small', '02')]);
    expect(small).toHaveLength(2);
    expect(intersects(january, february)).toBe(false);
    expect([intersects(small, january), intersects(small, february)]).toEqual([false, true]);
    expect(intersects(february, small)).toBe(true);
  });
});
