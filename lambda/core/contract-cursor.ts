import { isUtf8 } from 'node:buffer';
import { daysFromCivil, daysInMonth, MS_PER_DAY } from './calendar.js';
import { JsonByteCursor } from './json-byte-cursor.js';
import type { NormalizedOrder } from './normalized-order.js';

/**
 * The raw contract's value types read straight from bytes: integers in a range, money as
 * integer cents, UTC timestamps and dates on the real calendar, bounded free text, and the id
 * patterns. Each either returns the value or bails (see `JsonByteCursor`).
 */

const COLON = 0x3a;
const DASH = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Contract cap on any money amount (10,000,000.00), in cents. */
const MAX_CENTS = 1_000_000_000;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const isNumberByte = (b: number): boolean =>
  (b >= ZERO && b <= NINE) || b === DOT || b === DASH || b === 0x2b || b === LOWER_E || b === UPPER_E;

/** Code points of a string, a lone surrogate counting as one (as zod counts). */
function codePoints(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

export class ContractCursor extends JsonByteCursor {
  /** Calendar fields of the last timestamp read. */
  protected tsYear = 0;
  protected tsMonth = 0;
  protected tsDay = 0;
  /** Byte range of the last `text` read (into the record, or the arena). */
  protected t0 = 0;
  protected t1 = 0;
  /** `n` ASCII digits at `at` as a number, or -1. */
  protected digits(at: number, n: number): number {
    let v = 0;
    for (let i = at; i < at + n; i++) {
      const b = this.buf[i] as number;
      if (b < ZERO || b > NINE) return -1;
      v = v * 10 + (b - ZERO);
    }
    return v;
  }

  /** A plain JSON integer (no sign, fraction or exponent) in `[min, max]`. */
  protected int(field: string, min: number, max: number): number {
    const { buf, end } = this;
    const start = this.p;
    let p = start;
    let v = 0;
    while (p < end) {
      const b = buf[p] as number;
      if (b < ZERO || b > NINE) break;
      v = v * 10 + (b - ZERO);
      p++;
    }
    const n = p - start;
    const after = p < end ? buf[p] : -1;
    if (
      n === 0 ||
      n > 9 ||
      (n > 1 && buf[start] === ZERO) ||
      after === DOT ||
      after === LOWER_E ||
      after === UPPER_E
    ) {
      this.bail(`${field}: expected a plain integer`);
    }
    if (v < min || v > max) this.bail(`${field}: out of range`);
    this.p = p;
    return v;
  }

  /** A money amount as integer cents: `123`, `123.4`, `123.45` directly, other shapes by value. */
  protected money(field: string): number {
    const { buf, end } = this;
    const start = this.p;
    let p = start;
    let cents = 0;
    while (p < end) {
      const b = buf[p] as number;
      if (b < ZERO || b > NINE) break;
      cents = cents * 10 + (b - ZERO);
      p++;
    }
    const intDigits = p - start;
    if (intDigits === 0 || intDigits > 8 || (intDigits > 1 && buf[start] === ZERO))
      return this.moneyByValue(field);
    cents *= 100;
    let extra = false;
    if (p < end && buf[p] === DOT) {
      const f0 = ++p;
      while (p < end) {
        const b = buf[p] as number;
        if (b < ZERO || b > NINE) break;
        if (p === f0) cents += (b - ZERO) * 10;
        else if (p === f0 + 1) cents += b - ZERO;
        else if (b !== ZERO) extra = true;
        p++;
      }
      if (p === f0) this.bail(`${field}: malformed number`);
    }
    if (extra || (p < end && (buf[p] === LOWER_E || buf[p] === UPPER_E))) return this.moneyByValue(field);
    if (cents > MAX_CENTS) this.bail(`${field}: above the contract maximum`);
    this.p = p;
    return cents;
  }

  /** Any other JSON number (exponent, more decimals, `-0`): the contract's own money rule on its value. */
  private moneyByValue(field: string): number {
    const { buf, end } = this;
    let p = this.p;
    while (p < end && isNumberByte(buf[p] as number)) p++;
    const text = buf.toString('latin1', this.p, p);
    if (!JSON_NUMBER.test(text)) this.bail(`${field}: malformed number`);
    const v = Number(text);
    const scaled = v * 100;
    if (!(v >= 0 && v <= MAX_CENTS / 100) || Math.abs(Math.round(scaled) - scaled) >= 1e-6) {
      this.bail(`${field}: not a money amount`);
    }
    this.p = p;
    return Math.round(scaled) + 0; // `+ 0` turns -0 into 0
  }

  /** `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` on the real calendar, as UTC ms (sets tsYear/tsMonth/tsDay). */
  protected isoTimestamp(field: string): number {
    this.strOfLength(field, 20);
    const { buf, s0: s } = this;
    const len = this.s1 - s;
    if (this.escaped || (len !== 20 && (len < 22 || len > 24)))
      this.bail(`${field}: not an ISO-8601 UTC timestamp`);
    const y = this.digits(s, 4);
    const mo = this.digits(s + 5, 2);
    const d = this.digits(s + 8, 2);
    const h = this.digits(s + 11, 2);
    const mi = this.digits(s + 14, 2);
    const sec = this.digits(s + 17, 2);
    const frac = len > 20 ? this.digits(s + 20, len - 21) : 0;
    const shape =
      buf[s + 4] === DASH &&
      buf[s + 7] === DASH &&
      buf[s + 10] === 0x54 &&
      buf[s + 13] === COLON &&
      buf[s + 16] === COLON &&
      buf[s + len - 1] === 0x5a &&
      (len === 20 || buf[s + 19] === DOT);
    if (!shape || (y | mo | d | h | mi | sec | frac) < 0)
      this.bail(`${field}: not an ISO-8601 UTC timestamp`);
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) {
      this.bail(`${field}: not a calendar date and time`);
    }
    const ms = len === 22 ? frac * 100 : len === 23 ? frac * 10 : frac;
    this.tsYear = y;
    this.tsMonth = mo;
    this.tsDay = daysFromCivil(y, mo, d);
    return this.tsDay * MS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
  }

  /** `YYYY-MM-DD` on the real calendar, as a day number. */
  protected isoDay(field: string): number {
    this.strOfLength(field, 10);
    const { buf, s0: s } = this;
    const y = this.digits(s, 4);
    const mo = this.digits(s + 5, 2);
    const d = this.digits(s + 8, 2);
    if (
      this.s1 - s !== 10 ||
      this.escaped ||
      buf[s + 4] !== DASH ||
      buf[s + 7] !== DASH ||
      (y | mo | d) < 0
    ) {
      this.bail(`${field}: not a YYYY-MM-DD date`);
    }
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) this.bail(`${field}: not a calendar date`);
    return daysFromCivil(y, mo, d);
  }

  /**
   * Free text of 1..`max` Unicode code points (zod 4 measures strings in code points). Plain
   * text stays a range of the record's bytes; text with escapes is decoded once and stored in
   * `arena`'s arena (when given). The byte range is left in `[t0, t1)`.
   */
  protected text(field: string, max: number, arena: NormalizedOrder | undefined): void {
    this.str(field);
    const { buf, s0, s1 } = this;
    if (this.escaped) {
      let value: string;
      try {
        value = JSON.parse(buf.toString('utf8', s0 - 1, s1 + 1)) as string;
      } catch {
        this.bail(`${field}: invalid escape`);
      }
      const points = codePoints(value);
      if (points < 1 || points > max) this.bail(`${field}: length out of range`);
      if (arena) [this.t0, this.t1] = arena.addToArena(value);
      return;
    }
    let points = s1 - s0;
    if (this.nonAscii) {
      if (!isUtf8(buf.subarray(s0, s1))) this.bail(`${field}: invalid UTF-8`);
      // In valid UTF-8 every byte but a continuation byte (10xxxxxx) starts a code point.
      points = 0;
      for (let i = s0; i < s1; i++) if (((buf[i] as number) & 0xc0) !== 0x80) points++;
    }
    if (points < 1 || points > max) this.bail(`${field}: length out of range`);
    this.t0 = s0;
    this.t1 = s1;
  }

  /** The last string is `prefix` + `n` digits + `sep` + `m` lowercase hex digits. */
  protected matches(prefix: string, n: number, sep: string, m: number): boolean {
    const { buf, s0 } = this;
    if (this.escaped || this.s1 - s0 !== prefix.length + n + sep.length + m) return false;
    for (let i = 0; i < prefix.length; i++) if (buf[s0 + i] !== prefix.charCodeAt(i)) return false;
    let p = s0 + prefix.length;
    for (const end = p + n; p < end; p++)
      if ((buf[p] as number) < 0x30 || (buf[p] as number) > 0x39) return false;
    if (sep && buf[p++] !== sep.charCodeAt(0)) return false;
    for (const end = p + m; p < end; p++) {
      const b = buf[p] as number;
      if (!((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66))) return false;
    }
    return true;
  }
}
