import { isUtf8 } from 'node:buffer';
import { RAW_ORDER_LIMITS, type Range } from '../../contracts/raw-order.js';
import type { JsonByteCursor } from './json-byte-cursor.js';

/**
 * The raw contract's value types read straight from bytes through a cursor: integers in a
 * range, money as integer cents, bounded free text (timestamps and dates: `iso-time-values.ts`).
 * Each either returns the value (or writes it to the `into` object it is given) or bails
 * (see `JsonByteCursor`). Plain functions of the cursor: no state of their own.
 */

const DASH = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

const MONEY = RAW_ORDER_LIMITS.money;
/** The contract's money range in cents, and the most integer digits its maximum has. */
const MIN_CENTS = MONEY.min * 100;
const MAX_CENTS = MONEY.max * 100;
const MAX_INT_DIGITS = String(Math.trunc(MONEY.max)).length;
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

/** A string value's bytes: `[start, end)` of the record, or an arena reference (see `arena`). */
export interface TextRef {
  start: number;
  end: number;
}

/** Keeps decoded strings (those with escapes) and returns their `[start, end)` reference. */
export interface TextArena {
  addToArena(value: string): [number, number];
}

/** A plain JSON integer (no sign, fraction or exponent) in `range`. */
export function readInt(c: JsonByteCursor, field: string, range: Range): number {
  const { buf, end } = c;
  const start = c.p;
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
    c.bail(`${field}: expected a plain integer`);
  }
  if (v < range.min || v > range.max) c.bail(`${field}: out of range`);
  c.p = p;
  return v;
}

/** A money amount as integer cents: `123`, `123.4`, `123.45` directly, other shapes by value. */
export function readMoney(c: JsonByteCursor, field: string): number {
  const { buf, end } = c;
  const start = c.p;
  let p = start;
  let cents = 0;
  while (p < end) {
    const b = buf[p] as number;
    if (b < ZERO || b > NINE) break;
    cents = cents * 10 + (b - ZERO);
    p++;
  }
  const intDigits = p - start;
  if (intDigits === 0 || intDigits > MAX_INT_DIGITS || (intDigits > 1 && buf[start] === ZERO))
    return moneyByValue(c, field);
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
    if (p === f0) c.bail(`${field}: malformed number`);
  }
  if (extra || (p < end && (buf[p] === LOWER_E || buf[p] === UPPER_E))) return moneyByValue(c, field);
  if (cents < MIN_CENTS || cents > MAX_CENTS) c.bail(`${field}: outside the contract range`);
  c.p = p;
  return cents;
}

/** Any other JSON number (exponent, more decimals, `-0`): the contract's own money rule on its value. */
function moneyByValue(c: JsonByteCursor, field: string): number {
  const { buf, end } = c;
  let p = c.p;
  while (p < end && isNumberByte(buf[p] as number)) p++;
  const text = buf.toString('latin1', c.p, p);
  if (!JSON_NUMBER.test(text)) c.bail(`${field}: malformed number`);
  const v = Number(text);
  const scaled = v * 100;
  if (!(v >= MONEY.min && v <= MONEY.max) || Math.abs(Math.round(scaled) - scaled) >= 1e-6) {
    c.bail(`${field}: not a money amount`);
  }
  c.p = p;
  return Math.round(scaled) + 0; // `+ 0` turns -0 into 0
}

/**
 * Free text of `range` Unicode code points (zod 4 measures strings in code points). Plain text
 * stays a range of the record's bytes; text with escapes is decoded once and stored in `arena`
 * (when given). The reference is written to `into`.
 */
export function readText(
  c: JsonByteCursor,
  field: string,
  range: Range,
  arena: TextArena | undefined,
  into: TextRef,
): void {
  c.str(field);
  const { buf, s0, s1 } = c;
  if (c.escaped) {
    let value: string;
    try {
      value = JSON.parse(buf.toString('utf8', s0 - 1, s1 + 1)) as string;
    } catch {
      c.bail(`${field}: invalid escape`);
    }
    const points = codePoints(value);
    if (points < range.min || points > range.max) c.bail(`${field}: length out of range`);
    if (arena) [into.start, into.end] = arena.addToArena(value);
    return;
  }
  let points = s1 - s0;
  if (c.nonAscii) {
    if (!isUtf8(buf.subarray(s0, s1))) c.bail(`${field}: invalid UTF-8`);
    // In valid UTF-8 every byte but a continuation byte (10xxxxxx) starts a code point.
    points = 0;
    for (let i = s0; i < s1; i++) if (((buf[i] as number) & 0xc0) !== 0x80) points++;
  }
  if (points < range.min || points > range.max) c.bail(`${field}: length out of range`);
  into.start = s0;
  into.end = s1;
}
