import { isUtf8 } from 'node:buffer';

/**
 * Byte-level splitting of a raw file into records without decoding it: JSON Lines split on
 * `\n`, one JSON array split into its elements. A record that spans chunks is carried over;
 * one longer than the limit is reported as oversized with only its first bytes kept, so memory
 * stays bounded by the limit whatever the input holds.
 */

/** Receives records in file order; `ordinal` is the line number (JSON Lines) or element number (array). */
export interface RecordSink {
  /** `utf8`: the splitter found the record's bytes to be UTF-8 already (else the sink checks). */
  record(buf: Buffer, start: number, end: number, ordinal: number, utf8?: boolean): void;
  /** A record longer than the limit: `head` holds its first bytes, `bytes` its full length. */
  oversized(ordinal: number, head: Buffer, bytes: number): void;
}

/** Bytes of a record kept for quarantine when the record itself is too large to keep. */
export const HEAD_BYTES = 1024;

/** What an oversized record `buf[start, end)` keeps: its own first bytes, at most HEAD_BYTES. */
export const headOf = (buf: Buffer, start: number, end: number): Buffer =>
  buf.subarray(start, Math.min(end, start + HEAD_BYTES));

const NL = 0x0a;
const CR = 0x0d;
const LBRACE = 0x7b;

/** JSON whitespace: space, tab, line feed, carriage return. */
export const isJsonSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The part of one record read so far, kept up to `max` bytes. */
export class Carry {
  private parts: Buffer[] = [];
  /** Bytes of the record so far. */
  bytes = 0;
  /** Bytes held in `parts`: all of them within the limit, the first HEAD_BYTES past it. */
  private held = 0;
  constructor(private readonly max: number) {}

  add(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.bytes += end - start;
    const cap = this.bytes > this.max ? HEAD_BYTES : this.max;
    const keep = Math.min(end - start, cap - this.held);
    if (keep > 0) {
      // a copy: the chunk's buffer may be reused for the next chunk (`readRecords`)
      this.parts.push(Buffer.from(buf.subarray(start, start + keep)));
      this.held += keep;
    }
    if (this.held > cap) {
      // past the limit: the head alone is kept
      this.parts = [Buffer.concat(this.parts, cap)];
      this.held = cap;
    }
  }

  /** Hands the record to the sink (whole, or as oversized) and starts a new one. */
  flush(sink: RecordSink, ordinal: number, emit: (buf: Buffer, start: number, end: number) => void): void {
    const buf = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    const bytes = this.bytes;
    this.parts = [];
    this.bytes = 0;
    this.held = 0;
    if (bytes > this.max) sink.oversized(ordinal, buf, bytes);
    else emit(buf, 0, buf.length);
  }
}

/** Splits JSON Lines; blank lines are skipped (they are not records) but still counted. */
export class LineSplitter {
  private readonly carry: Carry;

  constructor(
    private readonly sink: RecordSink,
    private readonly max: number,
    private line = 0,
  ) {
    // One byte over: a carried line may end in the CR of a CRLF, which `emit` drops before it
    // applies the limit, as it does for a line within one chunk.
    this.carry = new Carry(max + 1);
  }

  push(chunk: Buffer, from: number): void {
    let s = from;
    if (this.carry.bytes > 0) {
      const nl = chunk.indexOf(NL, s);
      if (nl < 0) {
        this.carry.add(chunk, s, chunk.length);
        return;
      }
      this.carry.add(chunk, s, nl);
      this.line++;
      this.carry.flush(this.sink, this.line, (b, st, en) => this.emit(b, st, en));
      s = nl + 1;
    }
    // UTF-8 is checked once for the chunk's whole lines, not line by line (a per-record view and
    // check cost ~4 % of a month's CPU): text that is UTF-8 stays UTF-8 when cut at line feeds.
    const last = chunk.lastIndexOf(NL);
    const utf8 = last > s && isUtf8(chunk.subarray(s, last));
    for (let nl = chunk.indexOf(NL, s); nl >= 0; nl = chunk.indexOf(NL, s)) {
      this.line++;
      this.emit(chunk, s, nl, utf8);
      s = nl + 1;
    }
    if (s < chunk.length) {
      // A line start that is itself past the limit is carried (and truncated) like any other.
      this.carry.add(chunk, s, chunk.length);
    }
  }

  end(): void {
    if (this.carry.bytes === 0) return;
    this.line++;
    this.carry.flush(this.sink, this.line, (b, st, en) => this.emit(b, st, en));
  }

  private emit(buf: Buffer, start: number, end: number, utf8 = false): void {
    let e = end;
    if (e > start && buf[e - 1] === CR) e--;
    if (e - start > this.max) {
      this.sink.oversized(this.line, headOf(buf, start, e), e - start);
      return;
    }
    if (buf[start] !== LBRACE) {
      let i = start;
      while (i < e && isJsonSpace(buf[i] as number)) i++;
      if (i === e) return;
    }
    this.sink.record(buf, start, e, this.line, utf8);
  }
}
