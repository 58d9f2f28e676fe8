import { describe, expect, it } from 'vitest';
import { readInt, readMoney, readText, type TextRef } from '../../../lambda/core/contract-values.js';
import { JsonByteCursor } from '../../../lambda/core/json-byte-cursor.js';
import { cursorOn, outcome } from '../support/cursor.js';

// The fast parser's readers of integers, money and free text, on bytes. A reader that bails hands
// the record to the full path, which gives the same result: only a test of the reader itself sees
// what it accepts, where it leaves the cursor, and why it bails.

describe('readInt', () => {
  const range = { min: 1, max: 1000 };
  const int = (text: string, end?: number) => {
    const c = cursorOn(text, end);
    return outcome(c, () => readInt(c, 'quantity', range));
  };

  it.each([
    ['1', 1, 1],
    ['7,', 7, 1],
    ['1000}', 1000, 4],
    ['42 ', 42, 2],
    ['10]', 10, 2],
  ])('reads %s as %i, stopping at %i', (text, value, p) => {
    expect(int(text)).toEqual({ value, p });
  });

  it('stops at the end of the record, not of the buffer', () => {
    expect(int('12345', 2)).toEqual({ value: 12, p: 2 });
  });

  it.each(['', ',', '-1', '+1', '01', '00', '1.0', '1e2', '1E2', '1234567890', 'x'])(
    'bails on %j: not a plain integer',
    (text) => {
      expect(int(text)).toEqual({ bail: 'quantity: expected a plain integer' });
    },
  );

  it.each(['0', '1001', '999999999'])('bails on %s: out of range', (text) => {
    expect(int(text)).toEqual({ bail: 'quantity: out of range' });
  });
});

describe('readMoney', () => {
  const money = (text: string, end?: number) => {
    const c = cursorOn(text, end);
    return outcome(c, () => readMoney(c, 'unit_price'));
  };

  it.each([
    ['0', 0, 1],
    ['5', 500, 1],
    ['12.3', 1230, 4],
    ['12.34,', 1234, 5],
    ['12.340', 1234, 6],
    ['10000000', 1_000_000_000, 8],
    ['10000000.00}', 1_000_000_000, 11],
    ['0.05', 5, 4],
    ['9.99 ', 999, 4],
  ])('reads %s as %i cents, stopping at %i', (text, value, p) => {
    expect(money(text)).toEqual({ value, p });
  });

  it.each([
    ['1e2', 10_000, 3],
    ['1E2,', 10_000, 3],
    ['1.5e1', 1500, 5],
    ['-0', 0, 2],
    ['-0.0', 0, 4],
    ['1.2300000', 123, 9],
    ['0.10e1', 100, 6],
    ['1e-2', 1, 4],
  ])('reads %s by its value as %i cents, stopping at %i', (text, value, p) => {
    expect(money(text)).toEqual({ value, p });
  });

  it('stops at the end of the record, not of the buffer', () => {
    expect(money('12.345', 4)).toEqual({ value: 1230, p: 4 });
    expect(money('12e1', 2)).toEqual({ value: 1200, p: 2 });
  });

  it.each([
    ['12.', 'unit_price: malformed number'],
    ['12.,', 'unit_price: malformed number'],
    ['01.5', 'unit_price: malformed number'],
    ['-', 'unit_price: malformed number'],
    ['.5', 'unit_price: malformed number'],
    ['1e', 'unit_price: malformed number'],
    ['10000000.01', 'unit_price: outside the contract range'],
    ['99999999', 'unit_price: outside the contract range'],
    ['999999999', 'unit_price: not a money amount'],
    ['-1', 'unit_price: not a money amount'],
    ['-0.01', 'unit_price: not a money amount'],
    ['1.234', 'unit_price: not a money amount'],
    ['1e-3', 'unit_price: not a money amount'],
    ['1e8', 'unit_price: not a money amount'],
  ])('bails on %s: %s', (text, bail) => {
    expect(money(text)).toEqual({ bail });
  });
});

describe('readText', () => {
  const range = { min: 2, max: 4 };
  /** Reads `json` as text: the string it stands for (decoded when it went to the arena), or the bail. */
  const text = (json: string) => {
    const c = cursorOn(json);
    const stored: string[] = [];
    const arena = {
      addToArena: (value: string): [number, number] => {
        stored.push(value);
        return [-1, -1];
      },
    };
    const into: TextRef = { start: 0, end: 0 };
    const r = outcome(c, () => readText(c, 'city', range, arena, into));
    if ('bail' in r) return r;
    return stored.length ? { arena: stored[0] } : { bytes: c.buf.toString('utf8', into.start, into.end) };
  };

  it.each([
    ['"ab"', { bytes: 'ab' }],
    ['"abcd"', { bytes: 'abcd' }],
    ['"é€"', { bytes: 'é€' }],
    // one code point of 4 bytes and one of 3: two code points
    ['"😀€"', { bytes: '😀€' }],
    ['"a\\nb"', { arena: 'a\nb' }],
    ['"\\u00e9t"', { arena: 'ét' }],
    // a surrogate pair written as escapes is one code point, as zod counts
    ['"\\ud83d\\ude00!"', { arena: '😀!' }],
    ['"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"', { arena: '😀😀😀😀' }],
  ])('takes %s', (json, expected) => {
    expect(text(json)).toEqual(expected);
  });

  it.each([
    ['"a"', 'city: length out of range'],
    ['"abcde"', 'city: length out of range'],
    ['"😀"', 'city: length out of range'],
    ['"😀😀😀😀😀"', 'city: length out of range'],
    ['"\\n"', 'city: length out of range'],
    ['"\\n\\n\\n\\n\\n"', 'city: length out of range'],
    ['"\\ud83d\\ude00"', 'city: length out of range'],
    // a lone high surrogate before a letter counts as one: 5 code points
    ['"\\ud83dabcd"', 'city: length out of range'],
    ['"\\x41b"', 'city: invalid escape'],
    ['7', 'city: expected a string'],
  ])('bails on %s: %s', (json, bail) => {
    expect(text(json)).toEqual({ bail });
  });

  it('bails on bytes that are not UTF-8', () => {
    const c = new JsonByteCursor();
    const buf = Buffer.from([0x22, 0x61, 0xff, 0x62, 0x22]);
    c.begin(buf, 0, buf.length);
    expect(outcome(c, () => readText(c, 'city', range, undefined, { start: 0, end: 0 }))).toEqual({
      bail: 'city: invalid UTF-8',
    });
  });

  it('leaves the reference alone for escaped text when there is no arena', () => {
    const c = cursorOn('"a\\tb"');
    const into = { start: 7, end: 7 };
    readText(c, 'city', range, undefined, into);
    expect(into).toEqual({ start: 7, end: 7 });
  });
});
