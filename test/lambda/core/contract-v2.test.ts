import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processSource } from '../../../lambda/core/process-source.js';
import type { QuarantineRecord } from '../../../lambda/core/quarantine-writer.js';
import { GOLDEN_ORDER, jsonLines, TEST_NOW, tempLake, validOrder } from '../support/orders.js';
import { duckRows } from '../support/readers.js';
import { spanishShopOrder } from '../support/shop-orders.js';

const JAN = 'raw/store_sales/orders_2025_01.json';
const opts = { now: () => TEST_NOW, encoderThread: false };
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(() => lake.cleanup());

const facts = (table: string) => `read_parquet('${lake.root}/processed/store_sales/${table}/*/*/*.parquet')`;
const quarantined = async (): Promise<QuarantineRecord[]> =>
  (await readFile(`${lake.root}/quarantine/store_sales/orders_2025_01.jsonl`, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as QuarantineRecord);

describe('raw contract v2', () => {
  it("loads a Spanish customer's EUR order with a shop SKU and a free-text category, grouped as snake_case", async () => {
    const order = spanishShopOrder();
    expect(order.currency).toBe('EUR');
    await lake.store.put(JAN, jsonLines([order]));

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({ read: 1, loaded: 1, quarantined: 0 });
    const [row] = await duckRows(
      `select order_id, customer_id, customer_country, currency from ${facts('fact_orders')}`,
    );
    expect(row).toEqual({
      order_id: 'ES/2025/000017',
      customer_id: 'shopify:8812034',
      customer_country: 'ES',
      currency: 'EUR',
    });
    const items = await duckRows(
      `select product_id, category from ${facts('fact_order_items')} where line_number = 1`,
    );
    expect(items).toEqual([{ product_id: 'SKU-8812-BLK', category: 'garden_patio' }]);
  });

  it('names every violation of a record, the first being the counted reason', async () => {
    const o = validOrder(3);
    const { status: _, ...noStatus } = o;
    const broken = {
      ...noStatus,
      customer: { ...o.customer, country: 'XX' },
      items: [{ ...o.items[0], category: '&&&' }, ...o.items.slice(1)],
    };
    await lake.store.put(JAN, jsonLines([broken as never]));

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({ read: 1, loaded: 0, quarantined: 1, byReason: { schema_violation: 1 } });
    const [q] = await quarantined();
    expect(q?.violations.map((v) => [v.reason, v.path])).toEqual([
      ['schema_violation', 'status'],
      ['schema_violation', 'customer.country'],
      ['schema_violation', 'items.0.category'],
    ]);
    expect(q?.reason).toBe(q?.violations[0]?.reason);
    expect(q?.message).toBe(`status: ${q?.violations[0]?.message}`);
  });

  it('quarantines an order in a currency without a rate as fx_rate_missing, naming currency and month', async () => {
    await lake.store.put(JAN, jsonLines([{ ...validOrder(2), currency: 'JPY' }, validOrder(3)]));

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({ read: 2, loaded: 1, byReason: { fx_rate_missing: 1 } });
    const [q] = await quarantined();
    expect(q?.violations).toEqual([
      { reason: 'fx_rate_missing', path: 'currency', message: expect.stringMatching(/JPY in 2025-01/) },
    ]);
  });

  it('quarantines a month outside the FX table as fx_rate_missing, naming currency and month: no nearest rate', async () => {
    const at = (ts: string) => ({ ...GOLDEN_ORDER, order_id: ts, order_timestamp: ts }); // GBP
    await lake.store.put(
      JAN,
      jsonLines([
        at('2023-12-31T23:59:59Z'),
        at('2024-01-01T00:00:00Z'),
        at('2025-12-31T23:59:59Z'),
        at('2026-01-01T00:00:00Z'),
      ]),
    );

    const result = await processSource(lake.store, JAN, { ...opts, now: () => Date.UTC(2026, 1, 1) });

    expect(result).toMatchObject({ read: 4, loaded: 2, quarantined: 2, byReason: { fx_rate_missing: 2 } });
    expect((await quarantined()).map((q) => q.message)).toEqual([
      'currency: no USD rate for GBP in 2023-12 (add it to the FX reference table)',
      'currency: no USD rate for GBP in 2026-01 (add it to the FX reference table)',
    ]);
  });
});
