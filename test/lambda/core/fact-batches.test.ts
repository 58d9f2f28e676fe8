import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawOrder } from '../../../contracts/raw-order.js';
import { ItemsBatch, OrdersBatch } from '../../../lambda/core/fact-batches.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { processSource } from '../../../lambda/core/process-source.js';
import { GOLDEN_ORDER, jsonLines, normalized, TEST_NOW, tempLake, validOrder } from '../support/orders.js';
import { duckRows } from '../support/readers.js';

// Golden test of the flattening: one hand-written GBP order of January 2025 -> the exact rows.
// FX GBP 2025-01 = 1.234800 USD. order_total 337.89 -> 417.2266 -> 417.23 USD;
// line 1: 2 x 149.00 - 10.00 = 288.00 -> 355.6224 -> 355.62; line 2: 3 x 12.50 = 37.50 -> 46.305 -> 46.31 (half up).
const KEY = 'raw/store_sales/orders_2025_01.json';
let lake: Awaited<ReturnType<typeof tempLake>>;

beforeAll(async () => {
  lake = await tempLake();
  await lake.store.put(KEY, jsonLines([GOLDEN_ORDER]));
  await processSource(lake.store, KEY, { now: () => TEST_NOW, encoderThread: false });
});
afterAll(() => lake.cleanup());

const parquet = (table: string) =>
  `read_parquet('${lake.root}/processed/store_sales/${table}/*/*/*.parquet', hive_partitioning = true, hive_types_autocast = false)`;

describe('flattening (golden)', () => {
  it('writes exactly one fact_orders row with the derived values', async () => {
    const rows = await duckRows(`
      select order_id, strftime(order_timestamp, '%Y-%m-%dT%H:%M:%S') as ts, order_date::varchar as order_date,
             status, sales_channel, currency, customer_id, customer_country, customer_segment,
             customer_signup_date::varchar as signup, item_count, units, subtotal::varchar as subtotal,
             discount_total::varchar as discount_total, shipping_fee::varchar as shipping_fee, tax::varchar as tax,
             order_total::varchar as order_total, fx_rate_to_usd::varchar as fx, order_total_usd::varchar as usd,
             payment_method, payment_count, source_file, order_year, order_month
      from ${parquet('fact_orders')}`);
    expect(rows).toEqual([
      {
        order_id: 'ORD-20250114-3f9a2c1b',
        ts: '2025-01-14T09:31:07',
        order_date: '2025-01-14',
        status: 'completed',
        sales_channel: 'online',
        currency: 'GBP',
        customer_id: 'CUST-0001234',
        customer_country: 'UK',
        customer_segment: 'consumer',
        signup: '2024-11-02',
        item_count: 2,
        units: 5,
        subtotal: '335.50',
        discount_total: '10.00',
        shipping_fee: '4.99',
        tax: '7.40',
        order_total: '337.89',
        fx: '1.234800',
        usd: '417.23',
        payment_method: 'credit_card',
        payment_count: 2,
        source_file: KEY,
        order_year: '2025',
        order_month: '01',
      },
    ]);
  });

  it('writes one fact_order_items row per item, line totals converted and rounded half up', async () => {
    const rows = await duckRows(`
      select order_id, line_number, strftime(order_timestamp, '%Y-%m-%dT%H:%M:%S') as ts, order_date::varchar as order_date,
             customer_id, customer_country, status, product_id, product_name, category, quantity,
             unit_price::varchar as unit_price, discount::varchar as discount, line_total::varchar as line_total,
             line_total_usd::varchar as line_total_usd, source_file
      from ${parquet('fact_order_items')} order by line_number`);
    const common = {
      order_id: 'ORD-20250114-3f9a2c1b',
      ts: '2025-01-14T09:31:07',
      order_date: '2025-01-14',
      customer_id: 'CUST-0001234',
      customer_country: 'UK',
      status: 'completed',
      source_file: KEY,
    };
    expect(rows).toEqual([
      {
        ...common,
        line_number: 1,
        product_id: 'PROD-0101',
        product_name: 'Noise-cancelling headphones',
        category: 'electronics',
        quantity: 2,
        unit_price: '149.00',
        discount: '10.00',
        line_total: '288.00',
        line_total_usd: '355.62',
      },
      {
        ...common,
        line_number: 2,
        product_id: 'PROD-0202',
        product_name: 'Café au lait mug',
        category: 'home_kitchen',
        quantity: 3,
        unit_price: '12.50',
        discount: '0.00',
        line_total: '37.50',
        line_total_usd: '46.31',
      },
    ]);
  });
});

// The batches reuse one NormalizedOrder, as the ETL does: an order with fewer items than the one
// before must not pick up the earlier order's items; a reset batch starts empty.
describe('fact batches across orders', () => {
  const cents = (x: number) => Math.round(x * 100);
  const sums = (raw: RawOrder) => ({
    units: raw.items.reduce((s, it) => s + it.quantity, 0),
    subtotal: raw.items.reduce((s, it) => s + it.quantity * cents(it.unit_price), 0),
    discount: raw.items.reduce((s, it) => s + cents(it.discount), 0),
  });
  const column = (batch: arrow.RecordBatch, name: string) => {
    const child = batch.getChild(name);
    if (!child) throw new Error(`no column ${name}`);
    return Array.from({ length: batch.numRows }, (_, r) => child.get(r));
  };
  const rowsOf = (batch: arrow.RecordBatch, names: string[]) =>
    Array.from({ length: batch.numRows }, (_, r) =>
      Object.fromEntries(names.map((n) => [n, Number(column(batch, n)[r])])),
    );
  // Decimal(…, 2) cells as integer cents: Arrow gives the 128-bit words, the low one suffices here.
  const centsOf = (batch: arrow.RecordBatch, name: string) =>
    column(batch, name).map((cell) => (cell as Uint32Array)[0]);

  it('sums units, subtotal and discount over each order’s own items only', () => {
    const [many, few] = [validOrder(5), validOrder(3)];
    expect(many.items.length).toBeGreaterThan(few.items.length);
    const order = new NormalizedOrder();
    const orders = new OrdersBatch(KEY);
    const items = new ItemsBatch(KEY);
    for (const raw of [many, few]) {
      normalized(raw, order);
      orders.append(order, 1_000_000);
      items.append(order, 1_000_000);
    }
    const batch = orders.recordBatch();
    expect(rowsOf(batch, ['units', 'item_count'])).toEqual([
      { units: sums(many).units, item_count: many.items.length },
      { units: sums(few).units, item_count: few.items.length },
    ]);
    expect(centsOf(batch, 'subtotal')).toEqual([sums(many).subtotal, sums(few).subtotal]);
    expect(centsOf(batch, 'discount_total')).toEqual([sums(many).discount, sums(few).discount]);
    const lines = items.recordBatch();
    expect(lines.numRows).toBe(many.items.length + few.items.length);
    expect(centsOf(lines, 'line_total')).toEqual(
      [...many.items, ...few.items].map((it) => it.quantity * cents(it.unit_price) - cents(it.discount)),
    );
  });

  it('packs the same rows coded (enums and the source as dictionaries) for a sink that takes codes', () => {
    const order = new NormalizedOrder();
    const orders = new OrdersBatch(KEY);
    const items = new ItemsBatch(KEY);
    for (const raw of [validOrder(5), validOrder(3)]) {
      normalized(raw, order);
      orders.append(order, 1_000_000);
      items.append(order, 1_000_000);
    }
    const codedColumns = {
      fact_orders: [
        'status',
        'sales_channel',
        'currency',
        'customer_country',
        'customer_segment',
        'payment_method',
        'source_file',
      ],
      fact_order_items: ['customer_country', 'status', 'source_file'],
    };
    for (const [table, batch] of [
      ['fact_orders', orders],
      ['fact_order_items', items],
    ] as const) {
      const plain = batch.recordBatch();
      // through an IPC stream, as the native encoder gets it
      const coded = arrow.tableFromIPC(
        arrow.tableToIPC(new arrow.Table([batch.recordBatch(true)]), 'stream'),
      );
      const dictionaries = coded.schema.fields
        .filter((f) => arrow.DataType.isDictionary(f.type))
        .map((f) => f.name);
      expect(new Set(dictionaries)).toEqual(new Set(codedColumns[table]));
      expect(coded.schema.fields.map((f) => f.name)).toEqual(plain.schema.fields.map((f) => f.name));
      expect(coded.toArray().map((r) => r.toJSON())).toEqual(
        new arrow.Table([plain]).toArray().map((r) => r.toJSON()),
      );
    }
  });

  it('starts empty after reset, for orders and for items', () => {
    const order = normalized(validOrder(5));
    const orders = new OrdersBatch(KEY);
    const items = new ItemsBatch(KEY);
    orders.append(order, 1_000_000);
    items.append(order, 1_000_000);
    orders.reset();
    items.reset();
    expect([orders.length, items.length]).toEqual([0, 0]);
    normalized(validOrder(3), order);
    orders.append(order, 1_000_000);
    items.append(order, 1_000_000);
    const ids = (batch: arrow.RecordBatch) => column(batch, 'order_id').map(String);
    expect(ids(orders.recordBatch())).toEqual([validOrder(3).order_id]);
    expect(ids(items.recordBatch())).toEqual([validOrder(3).order_id]);
  });

  it('names the table and the column an append left behind', () => {
    const items = new ItemsBatch(KEY);
    items.append(normalized(validOrder(3)), 1_000_000);
    (items as unknown as { c: { quantity: { reset(): void } } }).c.quantity.reset();
    expect(() => items.recordBatch()).toThrow(
      'fact_order_items: quantity not computed for every row (lambda/core/fact-batches.ts)',
    );
  });
});
