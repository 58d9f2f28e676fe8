import * as arrow from 'apache-arrow';
import { type Column, grown } from './columns.js';

/**
 * Values as an Arrow dictionary of UTF-8 strings under one-byte codes: what `codes()` of a
 * coded column returns, given the codes of its rows.
 */
const dictionaryOf = (values: readonly Uint8Array[]): ((codes: Uint8Array) => arrow.Data) => {
  const offsets = new Int32Array(values.length + 1);
  values.forEach((v, i) => {
    offsets[i + 1] = (offsets[i] as number) + v.length;
  });
  const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Uint8());
  const valueData = arrow.makeData({
    type: type.dictionary,
    length: values.length,
    nullCount: 0,
    valueOffsets: offsets,
    data: Buffer.concat(values),
  });
  const dictionary = arrow.makeVector(valueData);
  return (codes) => arrow.makeData({ type, length: codes.length, nullCount: 0, data: codes, dictionary });
};

/**
 * Strings from a small fixed set (the contract's enums), stored as one-byte codes while rows are
 * appended and expanded to UTF-8 only when the batch is packed (`data`), or handed on as codes
 * (`codes`): a byte store per row instead of a string copy.
 */
export class EnumColumn implements Column {
  readonly type = new arrow.Utf8();
  length = 0;
  private readonly coded: ReturnType<typeof dictionaryOf>;
  private rowCodes = new Uint8Array(1024);
  private offsets = new Int32Array(1025);
  private bytes = new Uint8Array(16 * 1024);
  /** All values back to back, and where each starts and ends in it. */
  private readonly packed: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(values: readonly Uint8Array[]) {
    if (values.length > 256) throw new Error('an enum column holds at most 256 values (one-byte codes)');
    this.coded = dictionaryOf(values);
    this.packed = Buffer.concat(values);
    this.starts = new Int32Array(values.length);
    this.ends = new Int32Array(values.length);
    let at = 0;
    values.forEach((v, i) => {
      this.starts[i] = at;
      at += v.length;
      this.ends[i] = at;
    });
  }

  append(code: number): void {
    if (this.length === this.rowCodes.length) this.rowCodes = grown(this.rowCodes, this.length + 1);
    this.rowCodes[this.length++] = code;
  }

  data(): arrow.Data {
    const { rowCodes: codes, packed, starts, ends, length } = this;
    if (this.offsets.length < length + 1) this.offsets = new Int32Array(this.rowCodes.length + 1);
    const offsets = this.offsets;
    let total = 0;
    for (let i = 0; i < length; i++) {
      const c = codes[i] as number;
      total += (ends[c] as number) - (starts[c] as number);
      offsets[i + 1] = total;
    }
    if (this.bytes.length < total) this.bytes = grown(this.bytes, total);
    const bytes = this.bytes;
    for (let i = 0, at = 0; i < length; i++) {
      const c = codes[i] as number;
      for (let j = starts[c] as number, end = ends[c] as number; j < end; j++)
        bytes[at++] = packed[j] as number;
    }
    return arrow.makeData({
      type: this.type,
      length,
      nullCount: 0,
      valueOffsets: offsets.subarray(0, length + 1),
      data: bytes.subarray(0, total),
    });
  }

  codes(): arrow.Data {
    return this.coded(this.rowCodes.subarray(0, this.length));
  }

  reset(): void {
    this.length = 0;
  }
}

/** The same string on every row (the source key): only counted, written out when packed. */
export class ConstantColumn implements Column {
  readonly type = new arrow.Utf8();
  length = 0;
  private offsets = new Int32Array(0);
  private values = new Uint8Array(0);
  private readonly coded: ReturnType<typeof dictionaryOf>;
  /** Code 0 on every row: zeros, never written. */
  private zeros = new Uint8Array(0);

  constructor(private readonly value: Uint8Array) {
    this.coded = dictionaryOf([value]);
  }

  append(): void {
    this.length++;
  }

  data(): arrow.Data {
    const n = this.length;
    const width = this.value.length;
    if (this.offsets.length < n + 1) {
      this.offsets = new Int32Array(n + 1);
      this.values = new Uint8Array(n * width);
    }
    for (let i = 0; i <= n; i++) this.offsets[i] = i * width;
    // Fill by doubling: log2(n) copies.
    if (n) this.values.set(this.value, 0);
    for (let filled = 1; filled < n; filled *= 2) {
      this.values.copyWithin(filled * width, 0, Math.min(filled, n - filled) * width);
    }
    return arrow.makeData({
      type: this.type,
      length: n,
      nullCount: 0,
      valueOffsets: this.offsets.subarray(0, n + 1),
      data: this.values.subarray(0, n * width),
    });
  }

  codes(): arrow.Data {
    if (this.zeros.length < this.length) this.zeros = new Uint8Array(this.length);
    return this.coded(this.zeros.subarray(0, this.length));
  }

  reset(): void {
    this.length = 0;
  }
}
