import * as arrow from 'apache-arrow';
import { setInt64, setInt128 } from './money.js';

/**
 * Growable, non-null Arrow columns over typed arrays. Values are appended in place (no builder
 * objects, no per-value allocation); `data()` wraps the filled part as Arrow `Data` without
 * copying, and `reset()` keeps the buffers for the next batch.
 */
export interface Column {
  readonly type: arrow.DataType;
  readonly length: number;
  data(): arrow.Data;
  /**
   * The same values as an Arrow dictionary (one-byte codes and the values they stand for), for
   * columns that hold codes (coded-columns.ts): what a sink that `takesCodes` is given.
   */
  codes?(): arrow.Data;
  reset(): void;
}

export const grown = <T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(
  old: T,
  need: number,
): T => {
  let size = old.length * 2;
  while (size < need) size *= 2;
  const next = new (old.constructor as new (n: number) => T)(size);
  next.set(old);
  return next;
};

/** UTF-8 strings: Int32 offsets plus the concatenated bytes. */
export class Utf8Column implements Column {
  readonly type = new arrow.Utf8();
  length = 0;
  private used = 0;
  private offsets = new Int32Array(1024);
  private values = new Uint8Array(16 * 1024);

  /** Appends the bytes `src[start, end)`, which must be valid UTF-8. */
  append(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.used + n > this.values.length) this.values = grown(this.values, this.used + n);
    if (n <= 32) {
      const values = this.values;
      for (let i = 0, at = this.used; i < n; i++) values[at + i] = src[start + i] as number;
    } else this.values.set(src.subarray(start, end), this.used);
    this.used += n;
    if (this.length + 2 > this.offsets.length) this.offsets = grown(this.offsets, this.length + 2);
    this.offsets[++this.length] = this.used;
  }

  /** Appends a whole pre-encoded value (enum values, the source key). */
  appendValue(bytes: Uint8Array): void {
    this.append(bytes, 0, bytes.length);
  }

  data(): arrow.Data {
    return arrow.makeData({
      type: this.type,
      length: this.length,
      nullCount: 0,
      valueOffsets: this.offsets.subarray(0, this.length + 1),
      data: this.values.subarray(0, this.used),
    });
  }

  reset(): void {
    this.length = 0;
    this.used = 0;
  }
}

/** 32-bit integers: counts (`Int32`) or UTC day numbers (`DateDay`). */
export class Int32Column implements Column {
  length = 0;
  private values = new Int32Array(1024);
  constructor(readonly type: arrow.Int32 | arrow.DateDay) {}

  append(value: number): void {
    if (this.length === this.values.length) this.values = grown(this.values, this.length + 1);
    this.values[this.length++] = value;
  }

  data(): arrow.Data {
    const props = { length: this.length, nullCount: 0, data: this.values.subarray(0, this.length) };
    return this.type instanceof arrow.DateDay
      ? arrow.makeData({ type: this.type, ...props })
      : arrow.makeData({ type: this.type, ...props });
  }

  reset(): void {
    this.length = 0;
  }
}

/** UTC instants in milliseconds (`Timestamp(ms, "UTC")`, Parquet INT64 TIMESTAMP adjusted to UTC). */
export class TimestampColumn implements Column {
  readonly type = new arrow.TimestampMillisecond('UTC');
  length = 0;
  private words = new Uint32Array(2048);

  append(ms: number): void {
    if (this.length * 2 + 2 > this.words.length) this.words = grown(this.words, this.length * 2 + 2);
    setInt64(this.words, this.length++, ms);
  }

  data(): arrow.Data {
    const data = new BigInt64Array(this.words.buffer, 0, this.length);
    return arrow.makeData({ type: this.type, length: this.length, nullCount: 0, data });
  }

  reset(): void {
    this.length = 0;
  }
}

/**
 * Exact decimals from integers in minor units (`Decimal128(precision, scale)`; Parquet INT64
 * DECIMAL up to precision 18). Values must stay within ±2^53 minor units.
 */
export class DecimalColumn implements Column {
  readonly type: arrow.Decimal;
  length = 0;
  private words = new Uint32Array(4096);

  constructor(precision: number, scale: number) {
    this.type = new arrow.Decimal(scale, precision, 128);
  }

  /** `units` is the value × 10^scale, an integer. */
  append(units: number): void {
    if (this.length * 4 + 4 > this.words.length) this.words = grown(this.words, this.length * 4 + 4);
    setInt128(this.words, this.length++, units);
  }

  data(): arrow.Data {
    return arrow.makeData({
      type: this.type,
      length: this.length,
      nullCount: 0,
      data: this.words.subarray(0, this.length * 4),
    });
  }

  reset(): void {
    this.length = 0;
  }
}

/**
 * Packs columns (all of the same length, in the schema's order) into an Arrow record batch;
 * `coded`: the columns that hold codes as dictionaries, under a schema that says so.
 */
export function recordBatchOf(
  schema: arrow.Schema,
  columns: readonly Column[],
  coded = false,
): arrow.RecordBatch {
  const children = columns.map((column) => (coded && column.codes ? column.codes() : column.data()));
  const fields = coded
    ? schema.fields.map((f, i) => {
        const type = (children[i] as arrow.Data).type;
        return type === f.type ? f : new arrow.Field(f.name, type, f.nullable, f.metadata);
      })
    : schema.fields;
  const struct = arrow.makeData({
    type: new arrow.Struct(fields),
    length: columns[0]?.length ?? 0,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(coded ? new arrow.Schema(fields, schema.metadata) : schema, struct);
}
