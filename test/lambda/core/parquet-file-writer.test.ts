import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processSource } from '../../../lambda/core/process-source.js';
import { GOLDEN_ORDER, jsonLines, TEST_NOW, tempLake, validOrder } from '../support/orders.js';
import { duckRows, pyarrowDescribe } from '../support/readers.js';

// The Parquet the ETL writes, read back by two independent readers: DuckDB and pyarrow.
const KEY = 'raw/store_sales/orders_2025_01.json';
let lake: Awaited<ReturnType<typeof tempLake>>;
const file = (table: string) =>
  `${lake.root}/processed/store_sales/${table}/order_year=2025/order_month=01/part-orders_2025_01.parquet`;

beforeAll(async () => {
  lake = await tempLake();
  const orders = [GOLDEN_ORDER, ...Array.from({ length: 3000 }, (_, i) => validOrder(i))];
  await lake.store.put(KEY, jsonLines(orders));
  // Small row groups, so the files hold several.
  await processSource(lake.store, KEY, {
    now: () => TEST_NOW,
    batchRows: 512,
    rowGroupRows: 1024,
    encoderThread: false,
  });
});
afterAll(() => lake.cleanup());

const STRING = { physical: 'BYTE_ARRAY', logical: 'String', arrow: 'string' };
const MONEY = { physical: 'INT64', logical: 'Decimal(precision=18, scale=2)', arrow: 'decimal128(18, 2)' };
const TIMESTAMP = { physical: 'INT64', arrow: 'timestamp[ms, tz=UTC]' };
const DATE = { physical: 'INT32', logical: 'Date', arrow: 'date32[day]' };
const INT = { physical: 'INT32', logical: 'None', arrow: 'int32' };

describe('Parquet output', () => {
  it('has the declared physical and logical types for pyarrow', () => {
    const [orders, items] = pyarrowDescribe([file('fact_orders'), file('fact_order_items')]);
    const types = (f: typeof orders) =>
      Object.fromEntries(
        f!.columns.map((c) => [c.name, { physical: c.physical, logical: c.logical, arrow: c.arrow }]),
      );
    const o = types(orders);
    expect(o.order_id).toEqual(STRING);
    expect(o.order_timestamp).toMatchObject(TIMESTAMP);
    expect(o.order_timestamp?.logical).toMatch(/^Timestamp\(isAdjustedToUTC=true, timeUnit=milliseconds/);
    expect(o.order_date).toEqual(DATE);
    expect(o.customer_signup_date).toEqual(DATE);
    expect(o.item_count).toEqual(INT);
    expect(o.order_total).toEqual(MONEY);
    expect(o.order_total_usd).toEqual(MONEY);
    expect(o.fx_rate_to_usd).toEqual({
      physical: 'INT64',
      logical: 'Decimal(precision=18, scale=6)',
      arrow: 'decimal128(18, 6)',
    });
    expect(o.payment_method).toEqual(STRING);
    const i = types(items);
    expect(i.line_number).toEqual(INT);
    expect(i.line_total_usd).toEqual(MONEY);
    expect(i.product_name).toEqual(STRING);
    expect(orders?.first).toMatchObject({
      order_id: GOLDEN_ORDER.order_id,
      order_total: '337.89',
      order_date: '2025-01-14',
    });
    expect(orders?.rows).toBe(3001);
  });

  it('uses ZSTD, dictionary encoding, delta-encoded timestamps and v1 data pages', () => {
    const [orders, items] = pyarrowDescribe([file('fact_orders'), file('fact_order_items')]);
    for (const c of [...orders!.columns, ...items!.columns]) {
      expect(c.compression).toBe('ZSTD');
      expect(c.dataPageType).toBe(0); // DATA_PAGE, not DATA_PAGE_V2
    }
    const encodings = (f: typeof orders, name: string) => f!.columns.find((c) => c.name === name)?.encodings;
    expect(encodings(orders, 'order_timestamp')).toContain('DELTA_BINARY_PACKED');
    expect(encodings(items, 'order_timestamp')).toContain('DELTA_BINARY_PACKED');
    expect(encodings(orders, 'order_total')).not.toContain('DELTA_BINARY_PACKED');
    const dict = (f: typeof orders, name: string) => f!.columns.find((c) => c.name === name)?.dictionary;
    expect(dict(orders, 'status')).toBe(true);
    expect(dict(items, 'category')).toBe(true);
    expect(dict(orders, 'order_id')).toBe(false); // all distinct: a dictionary would only cost
    expect(dict(orders, 'order_total')).toBe(false); // near-unique
    // repeating money (catalogue prices x small quantities): measured smaller with a dictionary
    expect(dict(orders, 'subtotal')).toBe(true);
    expect(dict(items, 'line_total')).toBe(true);
  });

  it('reads back in DuckDB with the declared SQL types and several row groups', async () => {
    const types = await duckRows(
      `select column_name, column_type from (describe select * from read_parquet('${file('fact_orders')}'))`,
    );
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      order_id: 'VARCHAR',
      order_timestamp: 'TIMESTAMP WITH TIME ZONE',
      order_date: 'DATE',
      customer_signup_date: 'DATE',
      units: 'INTEGER',
      subtotal: 'DECIMAL(18,2)',
      fx_rate_to_usd: 'DECIMAL(18,6)',
      order_total_usd: 'DECIMAL(18,2)',
      source_file: 'VARCHAR',
    });
    const [meta] = await duckRows(
      `select count(distinct row_group_id)::int as groups, sum(row_group_num_rows)::int / count(distinct column_id)::int as rows
       from parquet_metadata('${file('fact_orders')}')`,
    );
    expect(meta).toEqual({ groups: 3, rows: 3001 });
  });

  it('keeps money exact: item line totals add up to the orders subtotal minus discounts', async () => {
    const [row] = await duckRows(`
      select (select sum(line_total) from read_parquet('${file('fact_order_items')}'))::varchar as lines,
             (select sum(subtotal - discount_total) from read_parquet('${file('fact_orders')}'))::varchar as orders`);
    expect(row?.lines).toBe(row?.orders);
  });
});
