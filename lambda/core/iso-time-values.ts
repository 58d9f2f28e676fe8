import { daysFromCivil, daysInMonth, MS_PER_DAY } from './calendar.js';
import type { JsonByteCursor } from './json-byte-cursor.js';

/**
 * The contract's ISO-8601 timestamps and dates read straight from bytes through a cursor, on
 * the real calendar (stricter than the schema's pattern, which the full path then applies).
 */

const COLON = 0x3a;
const DASH = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Where a timestamp's parts go: UTC ms, UTC day number, UTC year and month. */
export interface UtcInstant {
  timestampMs: number;
  day: number;
  year: number;
  month: number;
}

/** `n` ASCII digits at `at` as a number, or -1. */
function digitsAt(buf: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const b = buf[i] as number;
    if (b < ZERO || b > NINE) return -1;
    v = v * 10 + (b - ZERO);
  }
  return v;
}

/** `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` on the real calendar, written to `into`. */
export function readIsoTimestamp(c: JsonByteCursor, field: string, into: UtcInstant): void {
  c.strOfLength(field, 20);
  const { buf, s0: s } = c;
  const len = c.s1 - s;
  if (c.escaped || (len !== 20 && (len < 22 || len > 24))) c.bail(`${field}: not an ISO-8601 UTC timestamp`);
  const y = digitsAt(buf, s, 4);
  const mo = digitsAt(buf, s + 5, 2);
  const d = digitsAt(buf, s + 8, 2);
  const h = digitsAt(buf, s + 11, 2);
  const mi = digitsAt(buf, s + 14, 2);
  const sec = digitsAt(buf, s + 17, 2);
  const frac = len > 20 ? digitsAt(buf, s + 20, len - 21) : 0;
  const shape =
    buf[s + 4] === DASH &&
    buf[s + 7] === DASH &&
    buf[s + 10] === 0x54 &&
    buf[s + 13] === COLON &&
    buf[s + 16] === COLON &&
    buf[s + len - 1] === 0x5a &&
    (len === 20 || buf[s + 19] === DOT);
  if (!shape || (y | mo | d | h | mi | sec | frac) < 0) c.bail(`${field}: not an ISO-8601 UTC timestamp`);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) {
    c.bail(`${field}: not a calendar date and time`);
  }
  const ms = len === 22 ? frac * 100 : len === 23 ? frac * 10 : frac;
  const day = daysFromCivil(y, mo, d);
  into.year = y;
  into.month = mo;
  into.day = day;
  into.timestampMs = day * MS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

/** `YYYY-MM-DD` on the real calendar, as a day number. */
export function readIsoDay(c: JsonByteCursor, field: string): number {
  c.strOfLength(field, 10);
  const { buf, s0: s } = c;
  const y = digitsAt(buf, s, 4);
  const mo = digitsAt(buf, s + 5, 2);
  const d = digitsAt(buf, s + 8, 2);
  if (c.s1 - s !== 10 || c.escaped || buf[s + 4] !== DASH || buf[s + 7] !== DASH || (y | mo | d) < 0) {
    c.bail(`${field}: not a YYYY-MM-DD date`);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) c.bail(`${field}: not a calendar date`);
  return daysFromCivil(y, mo, d);
}
