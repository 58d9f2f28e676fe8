import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ConstantColumn, EnumColumn } from '../../../lambda/core/coded-columns.js';
import {
  DecimalColumn,
  Int32Column,
  recordBatchOf,
  TimestampColumn,
  Utf8Column,
} from '../../../lambda/core/columns.js';

// The ETL's Arrow columns, past their first buffers (1,024 rows, 16 KiB of text) and across
// batches: what a batch holds after reset() is that batch's rows only, and no value is lost when
// a buffer grows. Read back through Arrow's own vectors.

const values = (data: arrow.Data) => [...arrow.makeVector(data)];
const text = (i: number) => (i % 7 === 0 ? `long value number ${i} with more than 32 bytes` : `v${i}`);

describe('Arrow columns', () => {
  it('Utf8Column keeps every string, short or long, past its first buffers and across resets', () => {
    const col = new Utf8Column();
    const put = (s: string) => {
      const b = Buffer.from(`[${s}]`);
      col.append(b, 1, b.length - 1);
    };
    const first = Array.from({ length: 3000 }, (_, i) => text(i));
    for (const s of first) put(s);
    expect(col.length).toBe(3000);
    expect(values(col.data())).toEqual(first);
    col.reset();
    const second = ['x', 'é', text(7), ''];
    for (const s of second.slice(0, 3)) put(s);
    col.appendValue(Buffer.from(''));
    expect(values(col.data())).toEqual(second);
    // one value larger than the whole first byte buffer
    col.reset();
    const big = 'b'.repeat(40_000);
    put(big);
    put('after');
    expect(values(col.data())).toEqual([big, 'after']);
  });

  it('Int32Column, TimestampColumn and DecimalColumn keep every value past their first buffers', () => {
    const n = 5000;
    const ints = new Int32Column(new arrow.Int32());
    const times = new TimestampColumn();
    const decimals = new DecimalColumn(18, 2);
    for (let i = 0; i < n; i++) {
      ints.append(i - 2500);
      times.append(Date.UTC(2025, 0, 1) + i * 1000 - 2 ** 33);
      decimals.append(i * 101 - 250_000);
    }
    expect(values(ints.data())).toEqual(Array.from({ length: n }, (_, i) => i - 2500));
    expect(values(times.data())).toEqual(
      Array.from({ length: n }, (_, i) => Date.UTC(2025, 0, 1) + i * 1000 - 2 ** 33),
    );
    const dec = arrow.makeVector(decimals.data());
    expect(dec.length).toBe(n);
    for (const i of [0, 1, 1023, 1024, 1025, 4999]) {
      const words = dec.get(i) as Uint32Array;
      expect(
        Number(BigInt.asIntN(64, (BigInt(words[1] as number) << 32n) | BigInt(words[0] as number))),
      ).toBe(i * 101 - 250_000);
    }
    for (const col of [ints, times, decimals]) col.reset();
    ints.append(7);
    times.append(8);
    decimals.append(9);
    expect([ints.length, times.length, decimals.length]).toEqual([1, 1, 1]);
    expect(values(ints.data())).toEqual([7]);
    expect(values(times.data())).toEqual([8]);
    expect((arrow.makeVector(decimals.data()).get(0) as Uint32Array)[0]).toBe(9);
  });

  it('EnumColumn expands its codes into the values, past its first buffers and across resets', () => {
    const names = ['credit_card', 'paypal', 'x'];
    const col = new EnumColumn(names.map((v) => Buffer.from(v)));
    const codes = Array.from({ length: 3000 }, (_, i) => (i * 7) % 3);
    for (const c of codes) col.append(c);
    expect(values(col.data())).toEqual(codes.map((c) => names[c]));
    // asked again, the same batch packs the same way
    expect(values(col.data())).toEqual(codes.map((c) => names[c]));
    col.reset();
    col.append(2);
    col.append(0);
    expect(values(col.data())).toEqual(['x', 'credit_card']);
    col.reset();
    expect(values(col.data())).toEqual([]);
  });

  it('ConstantColumn repeats its value on every row, for any count, across resets', () => {
    const col = new ConstantColumn(Buffer.from('raw/store_sales/orders_2025_01.json'));
    for (const n of [0, 1, 2, 3, 5, 1000, 1025, 3]) {
      col.reset();
      for (let i = 0; i < n; i++) col.append();
      const got = values(col.data());
      expect(got).toHaveLength(n);
      expect(new Set(got)).toEqual(n ? new Set(['raw/store_sales/orders_2025_01.json']) : new Set());
    }
  });

  it('EnumColumn and ConstantColumn hand on their codes as a dictionary of the same values', () => {
    const names = ['credit_card', 'paypal', 'x'];
    const col = new EnumColumn(names.map((v) => Buffer.from(v)));
    const constant = new ConstantColumn(Buffer.from('raw/store_sales/orders_2025_01.json'));
    for (const n of [3000, 2]) {
      col.reset();
      constant.reset();
      const codes = Array.from({ length: n }, (_, i) => (i * 5) % 3);
      for (const c of codes) {
        col.append(c);
        constant.append();
      }
      const coded = col.codes();
      expect(arrow.DataType.isDictionary(coded.type)).toBe(true);
      expect([...coded.values]).toEqual(codes);
      expect(values(coded)).toEqual(values(col.data()));
      expect(values(constant.codes())).toEqual(values(constant.data()));
    }
    expect(() => new EnumColumn(Array.from({ length: 257 }, (_, i) => Buffer.from(`${i}`)))).toThrow(
      /at most 256 values/,
    );
  });

  it('packs columns into a record batch of their length, an empty one for none', () => {
    const a = new Int32Column(new arrow.Int32());
    a.append(1);
    a.append(2);
    const schema = new arrow.Schema([new arrow.Field('a', new arrow.Int32(), false)]);
    const batch = recordBatchOf(schema, [a]);
    expect(batch.numRows).toBe(2);
    expect([...(batch.getChild('a') ?? [])]).toEqual([1, 2]);
    expect(recordBatchOf(new arrow.Schema([]), []).numRows).toBe(0);
  });
});
