import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processSource } from '../../../lambda/core/process-source.js';
import { TEST_NOW, tempLake, validOrder } from '../support/orders.js';

// One source past 40,000 orders: the duplicate check must not forget early ids when its table
// grows (at 16,384 and 32,768 ids). Seconds here, minutes under Stryker's instrumentation, so the
// mutation suite (vitest.mutation.config.ts) leaves it out; OrderIdSet's own unit test covers the
// same growth in-process.
const JAN = 'raw/store_sales/orders_2025_01.json';
const opts = { now: () => TEST_NOW, encoderThread: false };
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.cleanup();
});

describe('processSource at scale', () => {
  it('quarantines repeated order ids past 40,000 orders in one source, early and late ones alike', async () => {
    const n = 45_000;
    const repeats = [0, 1, 16_383, 16_384, 32_768, 40_001, n - 1];
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify(validOrder(i)));
    for (const i of repeats) lines.push(JSON.stringify(validOrder(i)));
    await lake.store.put(JAN, `${lines.join('\n')}\n`);

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({
      read: n + repeats.length,
      loaded: n,
      quarantined: repeats.length,
      byReason: { duplicate_order_id: repeats.length },
      rows: { fact_orders: n },
    });
  }, 120_000);
});
