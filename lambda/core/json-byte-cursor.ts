import type { EnumMatcher, KeyTable, Literal } from './byte-literals.js';

/**
 * Reading primitives for the fast path: JSON tokens (whitespace, strings, keys, enum values)
 * straight from bytes, matched in place; the value readers (`contract-values.ts`,
 * `iso-time-values.ts`, `id-matcher.ts`) work through a cursor. Anything outside the narrow
 * shape handled here (a bad token, an unusual number, an unknown field) *bails*: the record
 * then takes the full path (JSON.parse + zod), which is the authority on what is valid and
 * why not. So the fast path may be stricter than the contract, never looser.
 */

class FastPathBail extends Error {
  override readonly name = 'FastPathBail';
}
/** The one value thrown to leave the fast path; `FastOrderParser.parse` catches it. */
export const BAIL = new FastPathBail('record left the fast path');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const RBRACE = 0x7d;
const RBRACKET = 0x5d;

/**
 * Position in one record's bytes plus what the last token read left behind. One cursor is
 * reused for every record; readers take it as an argument and move it forward.
 */
export class JsonByteCursor {
  buf: Buffer = Buffer.alloc(0);
  /** Next byte to read, and the end of the record. */
  p = 0;
  end = 0;
  /** Why the last record left the fast path (a quarantine message when nothing else explains it). */
  bailReason = '';
  /** The last string read: content bytes `[s0, s1)`, and whether it held escapes / non-ASCII bytes. */
  s0 = 0;
  s1 = 0;
  escaped = false;
  nonAscii = false;

  private view: DataView = new DataView(new ArrayBuffer(0));

  /** Starts reading the record `buf[start, end)`. */
  begin(buf: Buffer, start: number, end: number): void {
    if (buf !== this.buf) this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.buf = buf;
    this.p = start;
    this.end = end;
  }

  /** True (and moves past it) when `lit` is at position `at` (`this.p + lit` within the record). */
  literalAt(lit: Literal, at: number): boolean {
    const { bytes, words } = lit;
    const n = bytes.length;
    if (at + n > this.end) return false;
    const view = this.view;
    const w = words.length;
    for (let i = 0; i < w; i++) if (view.getUint32(at + i * 4, true) !== words[i]) return false;
    const buf = this.buf;
    for (let i = w * 4; i < n; i++) if (buf[at + i] !== bytes[i]) return false;
    this.p = at + n;
    return true;
  }

  bail(reason: string): never {
    this.bailReason = reason;
    throw BAIL;
  }

  ws(): void {
    const { buf, end } = this;
    let p = this.p;
    while (p < end) {
      const b = buf[p] as number;
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
      p++;
    }
    this.p = p;
  }

  peek(): number {
    return this.p < this.end ? (this.buf[this.p] as number) : -1;
  }

  next(): number {
    return this.p < this.end ? (this.buf[this.p++] as number) : -1;
  }

  expect(byte: number, where: string): void {
    if (this.next() !== byte) this.bail(`${where}: expected '${String.fromCharCode(byte)}'`);
  }

  /**
   * Reads a string token expected to hold `len` bytes, checking only its two quotes: for the
   * fixed-width fields (ids, timestamps, dates) whose callers then check every byte against a
   * pattern that admits no quote or backslash. Any other shape goes through `str`.
   */
  strOfLength(field: string, len: number): void {
    const { buf, p } = this;
    if (buf[p] === QUOTE && p + len + 2 <= this.end && buf[p + len + 1] === QUOTE) {
      this.s0 = p + 1;
      this.s1 = p + 1 + len;
      this.escaped = false;
      this.nonAscii = false;
      this.p = p + len + 2;
    } else this.str(field);
  }

  /** After a field's value: true at `}` (object done), false at `,` (another field follows). */
  fieldEnd(where: string): boolean {
    this.ws();
    const c = this.next();
    if (c === RBRACE) return true;
    if (c !== COMMA) this.bail(`${where}: expected ',' or '}'`);
    this.ws();
    return false;
  }

  /** After an array element: true at `]`, false at `,`. */
  elementEnd(where: string): boolean {
    this.ws();
    const c = this.next();
    if (c === RBRACKET) return true;
    if (c !== COMMA) this.bail(`${where}: expected ',' or ']'`);
    this.ws();
    return false;
  }

  /** Reads a JSON string token; its content is `[s0, s1)`. */
  str(field: string): void {
    const { buf, end } = this;
    let p = this.p;
    if (p >= end || buf[p] !== QUOTE) this.bail(`${field}: expected a string`);
    const s0 = ++p;
    let escaped = false;
    let nonAscii = false;
    for (;;) {
      if (p >= end) this.bail(`${field}: unterminated string`);
      const b = buf[p] as number;
      if (b === QUOTE) break;
      if (b === BACKSLASH) {
        escaped = true;
        p += 2;
        continue;
      }
      if (b < 0x20) this.bail(`${field}: control character in string`);
      if (b >= 0x80) nonAscii = true;
      p++;
    }
    this.s0 = s0;
    this.s1 = p;
    this.p = p + 1;
    this.escaped = escaped;
    this.nonAscii = nonAscii;
  }

  /** True when the last string's bytes equal `value`. */
  strEquals(value: Buffer): boolean {
    const len = value.length;
    if (this.s1 - this.s0 !== len || this.escaped) return false;
    const { buf, s0 } = this;
    for (let i = 0; i < len; i++) if (buf[s0 + i] !== value[i]) return false;
    return true;
  }

  /**
   * Reads `"key":` and returns the key's index in `keys`. The usual order is tried first and
   * matched in place (`"name":` compared as bytes), which is the common case of compact JSON.
   */
  key(table: KeyTable, hint: number, where: string): number {
    const { keys, literals } = table;
    if (hint < literals.length && this.literalAt(literals[hint] as Literal, this.p)) {
      this.ws();
      return hint;
    }
    this.str(where);
    let k = -1;
    for (let i = 0; k < 0 && i < keys.length; i++) if (this.strEquals(keys[i] as Buffer)) k = i;
    if (k < 0) this.bail(`${where}: unexpected field "${this.buf.toString('utf8', this.s0, this.s1)}"`);
    this.ws();
    this.expect(COLON, where);
    this.ws();
    return k;
  }

  /**
   * Reads a string that must be one of an enum's values, matched in place; returns its index
   * (the enum code). Anything else, escaped spellings included, bails.
   */
  enumCode(e: EnumMatcher, field: string): number {
    const { buf, p } = this;
    if (buf[p] === QUOTE && p + 3 <= this.end) {
      const tag = ((buf[p + 1] as number) << 8) | (buf[p + 2] as number);
      const tags = e.tags;
      for (let i = 0; i < tags.length; i++) {
        if (tags[i] === tag && this.literalAt(e.literals[i] as Literal, p + 1)) return i;
      }
    }
    return this.bail(`${field}: not an allowed value`);
  }
}
