import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_FX } from '../../../lambda/core/fx-table.js';
import { ENUMS, NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { ParquetFileWriter } from '../../../lambda/core/parquet-file-writer.js';
import { PartitionWriters, type StagedFile } from '../../../lambda/core/partition-writers.js';
import { duckRows } from '../support/readers.js';

/**
 * Contract v2 has no id pattern, so nothing caps the number of customers (v1: `CUST-\d{7}`, ten
 * million) or products (v1: `PROD-\d{4}`, ten thousand). This writes 10,000,001 orders of distinct
 * customers and 100,000 distinct products through the ETL's real fact writer (`PartitionWriters`:
 * the Arrow batches and parquet-wasm files `processSource` publishes), then reads every row back
 * with DuckDB. Orders are built as `NormalizedOrder`s directly instead of parsed from JSON: parsing
 * is the property tests' subject, and skipping it keeps this test near a minute.
 */

const CUSTOMERS = 10_000_001;
const PRODUCTS = 100_000;
/** One order in this many has an item: 200,001 item rows, every product twice or more. */
const ITEM_EVERY = 50;

const customerId = (i: number) => `shop:customer/${i}`;
const productId = (i: number) => `SKU-${(i / ITEM_EVERY) % PRODUCTS}-BLK`;

let dir: string;
let staged: StagedFile[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'id-scale-'));
  const writers = new PartitionWriters({
    tmpDir: dir,
    stem: 'orders_2025_01',
    sourceKey: 'raw/store_sales/orders_2025_01.json',
    batchRows: 16_384,
    rowGroupRows: 65_536,
    fx: SHIPPED_FX,
    openSink: (table, file, rows) => new ParquetFileWriter(table, file, rows),
  });
  const o = new NormalizedOrder();
  const src = Buffer.alloc(256);
  const day = Date.UTC(2025, 0, 15) / 86_400_000;
  for (let i = 0; i < CUSTOMERS; i++) {
    o.reset(src);
    let at = 0;
    const put = (text: string): [number, number] => {
      const start = at;
      at += src.write(text, at, 'latin1');
      return [start, at];
    };
    [o.orderIdStart, o.orderIdEnd] = put(`o${i}`);
    [o.customerIdStart, o.customerIdEnd] = put(customerId(i));
    o.timestampMs = day * 86_400_000 + (i % 86_400) * 1000;
    o.day = day;
    o.year = 2025;
    o.month = 1;
    o.signupDay = day - 30;
    o.status = ENUMS.status.indexOf('completed');
    o.channel = 0;
    o.currency = ENUMS.currency.indexOf('USD');
    o.country = ENUMS.country.indexOf('ES');
    o.segment = 0;
    o.shippingCents = 0;
    o.taxCents = 0;
    o.totalCents = 1000;
    o.paymentCount = 1;
    o.paymentMethod = 0;
    if (i % ITEM_EVERY === 0) {
      o.itemCount = 1;
      o.lineNumber[0] = 1;
      [o.productIdStart[0], o.productIdEnd[0]] = put(productId(i));
      [o.productNameStart[0], o.productNameEnd[0]] = put('Folding chair');
      [o.categoryStart[0], o.categoryEnd[0]] = put('garden_patio');
      o.quantity[0] = 1;
      o.unitPriceCents[0] = 1000;
      o.discountCents[0] = 0;
    }
    writers.append(o);
    if (i % 16_384 === 0) await writers.flushFull();
  }
  staged = await writers.finish();
}, 600_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const fileOf = (table: string) => staged.find((f) => f.table === table)?.file as string;

describe('identifiers at scale', () => {
  it(`keeps ${CUSTOMERS.toLocaleString('en-US')} distinct customer ids, each on its own order`, async () => {
    expect(staged.map((f) => [f.table, f.rows])).toEqual([
      ['fact_order_items', Math.floor((CUSTOMERS - 1) / ITEM_EVERY) + 1],
      ['fact_orders', CUSTOMERS],
    ]);
    const [row] = await duckRows(
      `select count(*)::bigint as n, count(distinct customer_id)::bigint as customers,
              count(*) filter (where customer_id <> 'shop:customer/' || substr(order_id, 2))::bigint as wrong
       from read_parquet('${fileOf('fact_orders')}')`,
    );
    expect(row).toEqual({ n: String(CUSTOMERS), customers: String(CUSTOMERS), wrong: '0' });
  });

  it(`keeps ${PRODUCTS.toLocaleString('en-US')} distinct product ids, dictionary-encoded`, async () => {
    const items = fileOf('fact_order_items');
    const [row] = await duckRows(
      `select count(distinct product_id)::int as products,
              count(*) filter (where product_id <> 'SKU-' || ((substr(order_id, 2)::bigint // ${ITEM_EVERY}) % ${PRODUCTS}) || '-BLK')::int as wrong
       from read_parquet('${items}')`,
    );
    expect(row).toEqual({ products: PRODUCTS, wrong: 0 });
    // Every row group of product_id starts dictionary-encoded (the contract's hint), however many
    // distinct values it meets; customer_id is plain (near-unique, `dictionary: false`).
    const encodings = await duckRows(
      `select path_in_schema as col, list_sort(list_distinct(flatten(list(string_split(encodings, ', '))))) as encodings
       from parquet_metadata('${items}') where path_in_schema in ('product_id', 'customer_id') group by all order by col`,
    );
    const byColumn = Object.fromEntries(encodings.map((e) => [e.col, e.encodings as string[]]));
    expect(byColumn.product_id).toContain('RLE_DICTIONARY');
    expect(byColumn.customer_id).not.toContain('RLE_DICTIONARY');
  });
});
