/**
 * A byte buffer written in place by the generator's JSON writer (json-bytes.ts): ASCII text and
 * numbers go straight in as bytes, with no intermediate strings. Numbers must be non-negative
 * and below 2^31 (generated money, ids and times all are).
 */
const HEX = Uint8Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));
const ZERO = 48;

/** An output buffer filled in place; `take()` hands the filled part to a writer. */
export class ByteSink {
  pos = 0;
  private buf: Uint8Array;
  /** `next` supplies each empty buffer (e.g. a pool's `get`); all must be the same size. */
  constructor(private readonly next: () => Uint8Array) {
    this.buf = next();
  }

  /** The bytes written so far; the sink continues in a fresh buffer (the old one may still be queued). */
  take(): Uint8Array {
    if (this.pos > this.buf.length) {
      // Typed arrays drop out-of-range writes silently; never hand out a truncated chunk.
      throw new RangeError('ByteSink overflow: a line outgrew the reserved room');
    }
    const out = this.buf.subarray(0, this.pos);
    this.buf = this.next();
    this.pos = 0;
    return out;
  }

  /** Copies pre-encoded text. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    if (n > 24) {
      this.buf.set(b, this.pos); // memcpy beats a JS loop past a couple of dozen bytes
    } else {
      const buf = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) buf[p + i] = b[i] as number;
    }
    this.pos += n;
  }

  /** A non-negative integer below 2^31, zero-padded to `width` digits. */
  int(n: number, width = 1): void {
    let digits = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
    if (digits < width) digits = width;
    const buf = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    for (let i = 0; i < digits; i++) {
      const next = (n / 10) | 0;
      buf[--p] = ZERO + n - next * 10;
      n = next;
    }
  }

  /** Minor units (below 2^31) as `123.45`. */
  money(cents: number): void {
    const whole = (cents / 100) | 0;
    this.int(whole);
    this.buf[this.pos++] = 46; // '.'
    this.int(cents - whole * 100, 2);
  }

  /** An unsigned 32-bit integer as 8 lowercase hex digits. */
  hex8(x: number): void {
    const buf = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) buf[p + i] = HEX[(x >>> (28 - 4 * i)) & 15] as number;
    this.pos = p + 8;
  }

  /** One ASCII character by code. */
  char(code: number): void {
    this.buf[this.pos++] = code;
  }
}
