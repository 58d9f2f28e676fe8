import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ParquetEncoding,
  ParquetFileWriter,
  ParquetWriteError,
  writerProperties,
} from '../../../lambda/core/parquet-file-writer.js';
import { parquetWasm } from '../../../lambda/core/parquet-wasm.js';
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

  it('uses ZSTD, dictionary encoding, delta-encoded timestamps and fact_orders ids, and v1 data pages', () => {
    const [orders, items] = pyarrowDescribe([file('fact_orders'), file('fact_order_items')]);
    for (const c of [...orders!.columns, ...items!.columns]) {
      expect(c.compression).toBe('ZSTD');
      expect(c.dataPageType).toBe(0); // DATA_PAGE, not DATA_PAGE_V2
    }
    const encodings = (f: typeof orders, name: string) => f!.columns.find((c) => c.name === name)?.encodings;
    expect(encodings(orders, 'order_timestamp')).toContain('DELTA_BINARY_PACKED');
    expect(encodings(items, 'order_timestamp')).toContain('DELTA_BINARY_PACKED');
    expect(encodings(orders, 'order_total')).not.toContain('DELTA_BINARY_PACKED');
    // shared prefixes: per table, the same column name is delta-encoded in one and not the other
    expect(encodings(orders, 'order_id')).toContain('DELTA_BYTE_ARRAY');
    expect(encodings(items, 'order_id')).not.toContain('DELTA_BYTE_ARRAY');
    expect(encodings(orders, 'customer_id')).not.toContain('DELTA_BYTE_ARRAY');
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

// The candidates `npm run bench parquet` measures: each encoding as it claims, read back by pyarrow.
describe('Parquet encodings', () => {
  async function encodingsWith(encoding: ParquetEncoding) {
    const pw = parquetWasm();
    const table = pw.readParquet(await readFile(file('fact_orders')));
    const out = `${lake.root}/candidate-${JSON.stringify(encoding).replace(/\W/g, '')}.parquet`;
    await writeFile(out, pw.writeParquet(table, writerProperties('fact_orders', 65_536, encoding)));
    const [described] = pyarrowDescribe([out]);
    return (name: string) => {
      const c = described?.columns.find((col) => col.name === name);
      return {
        compression: c?.compression,
        dictionary: c?.dictionary,
        delta: c?.encodings.includes('DELTA_BINARY_PACKED'),
        deltaBytes: c?.encodings.includes('DELTA_BYTE_ARRAY'),
      };
    };
  }

  it('puts a dictionary on every column, on none, or where the contract says', async () => {
    const none = await encodingsWith({
      compression: 'SNAPPY',
      dictionary: 'none',
      deltaIntegers: 'none',
      deltaStrings: 'none',
    });
    expect([none('status'), none('order_id')].map((c) => [c.compression, c.dictionary])).toEqual([
      ['SNAPPY', false],
      ['SNAPPY', false],
    ]);
    const all = await encodingsWith({
      compression: 'GZIP',
      dictionary: 'all',
      deltaIntegers: 'none',
      deltaStrings: 'none',
    });
    expect(
      [all('status'), all('order_id'), all('order_total')].map((c) => [c.compression, c.dictionary]),
    ).toEqual([
      ['GZIP', true],
      ['GZIP', true],
      ['GZIP', true],
    ]);
  });

  it('delta-encodes the integer columns without a dictionary, only the timestamps, or none; and strings on request', async () => {
    const base = { compression: 'ZSTD', dictionary: 'contract' } as const;
    const all = await encodingsWith({ ...base, deltaIntegers: 'all', deltaStrings: 'all' });
    expect([all('order_timestamp').delta, all('order_total').delta, all('order_id').deltaBytes]).toEqual([
      true,
      true,
      true,
    ]);
    const timestamps = await encodingsWith({ ...base, deltaIntegers: 'timestamps', deltaStrings: 'none' });
    expect([
      timestamps('order_timestamp').delta,
      timestamps('order_total').delta,
      timestamps('order_id').deltaBytes,
    ]).toEqual([true, false, false]);
    const none = await encodingsWith({ ...base, deltaIntegers: 'none', deltaStrings: 'none' });
    expect([none('order_timestamp').delta, none('order_total').delta, none('order_id').deltaBytes]).toEqual([
      false,
      false,
      false,
    ]);
    const contract = await encodingsWith({ ...base, deltaIntegers: 'none', deltaStrings: 'contract' });
    expect([contract('order_id').deltaBytes, contract('customer_id').deltaBytes]).toEqual([true, false]);
  });
});

describe('ParquetFileWriter errors', () => {
  it('names its failures with a code', () => {
    expect(new ParquetWriteError('x')).toMatchObject({
      name: 'ParquetWriteError',
      code: 'parquet_write_failed',
      message: 'x',
    });
  });

  it('removes the partial file on abort', async () => {
    const pw = parquetWasm();
    const ipc = pw.readParquet(await readFile(file('fact_orders'))).intoIPCStream();
    const out = `${lake.root}/aborted.parquet`;
    const writer = new ParquetFileWriter('fact_orders', out, 1024);
    await writer.writeIpc(ipc, 3001);
    await writer.writeIpc(pw.readParquet(await readFile(file('fact_orders'))).intoIPCStream(), 3001);
    // row groups of 1,024 rows: some are on disk before the end
    await expect(readFile(out).then((b) => b.length > 0)).resolves.toBe(true);
    await writer.abort();
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
