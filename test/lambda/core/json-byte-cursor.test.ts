import { describe, expect, it } from 'vitest';
import { enumMatcher, keyTable, literal } from '../../../lambda/core/byte-literals.js';
import type { JsonByteCursor } from '../../../lambda/core/json-byte-cursor.js';
import { cursorOn, outcome } from '../support/cursor.js';

// The fast path's token readers on bytes. A reader that bails where it need not costs only
// speed (the full path then decides), so end-to-end verdicts cannot see it: these tests pin
// where each reader stops and what it leaves in the cursor.
const last = (c: JsonByteCursor) => ({
  text: c.buf.toString('utf8', c.s0, c.s1),
  escaped: c.escaped,
  nonAscii: c.nonAscii,
  p: c.p,
});

describe('JsonByteCursor whitespace and bytes', () => {
  it('skips exactly the four JSON spaces, and never past the end of the record', () => {
    const c = cursorOn(' \t\r\n x');
    c.ws();
    expect(c.p).toBe(5);
    for (const other of ['\f', '\v', '\u00a0', '/', 'x']) {
      const d = cursorOn(` ${other} `);
      d.ws();
      expect(d.p, JSON.stringify(other)).toBe(1);
    }
    const atEnd = cursorOn('   x', 2);
    atEnd.ws();
    expect(atEnd.p).toBe(2);
  });

  it('peeks and reads a byte, and gives -1 at the end of the record without moving', () => {
    const c = cursorOn('ab', 1);
    expect([c.peek(), c.p]).toEqual([0x61, 0]);
    expect([c.next(), c.p]).toEqual([0x61, 1]);
    expect([c.peek(), c.next(), c.p]).toEqual([-1, -1, 1]);
  });

  it('expects a byte or bails naming it', () => {
    const c = cursorOn('{x');
    c.expect(0x7b, 'order');
    expect(c.p).toBe(1);
    expect(outcome(c, () => c.expect(0x7d, 'order'))).toEqual({ bail: "order: expected '}'" });
  });

  it('matches a literal in place, by words and trailing bytes, only within the record', () => {
    const lit = literal('"status":'); // two words and one trailing byte
    expect(cursorOn('x"status":1').literalAt(lit, 1)).toBe(true);
    const c = cursorOn('x"status":1');
    c.literalAt(lit, 1);
    expect(c.p).toBe(10);
    expect(cursorOn('x"statuz":1').literalAt(lit, 1)).toBe(false);
    expect(cursorOn('x"status";1').literalAt(lit, 1)).toBe(false);
    expect(cursorOn('x"status":1', 9).literalAt(lit, 1)).toBe(false);
    expect(cursorOn('x"status":1', 10).literalAt(lit, 1)).toBe(true);
  });
});

describe('JsonByteCursor strings', () => {
  it('reads a string, noting escapes and bytes past ASCII', () => {
    for (const [json, text, escaped, nonAscii] of [
      ['"plain",', 'plain', false, false],
      ['"say \\"hi\\"",', 'say \\"hi\\"', true, false],
      ['"caf\u00e9",', 'caf\u00e9', false, true],
      ['"\u007f",', '\u007f', false, false],
      ['"",', '', false, false],
    ] as const) {
      const c = cursorOn(json);
      c.str('f');
      expect(last(c), json).toEqual({ text, escaped, nonAscii, p: Buffer.byteLength(json) - 1 });
    }
  });

  it.each([
    ['1', 'f: expected a string', undefined],
    ['"ab', 'f: unterminated string', undefined],
    ['"ab"', 'f: unterminated string', 3],
    ['"a', 'f: expected a string', 0],
    ['"a\nb"', 'f: control character in string', undefined],
    ['"a\u001fb"', 'f: control character in string', undefined],
  ])('bails on %j', (json, bail, end) => {
    const c = cursorOn(json, end);
    expect(outcome(c, () => c.str('f'))).toEqual({ bail });
  });

  it('reads a string of a known length in place, clearing what the last string left', () => {
    const c = cursorOn('"2025-01-14",');
    c.escaped = true;
    c.nonAscii = true;
    c.strOfLength('f', 10);
    expect(last(c)).toEqual({ text: '2025-01-14', escaped: false, nonAscii: false, p: 12 });
  });

  it('reads any other string of a known-length field as a string', () => {
    for (const [json, text] of [
      ['"2025-1-14",', '2025-1-14'],
      ['"2025-01-144",', '2025-01-144'],
      ['"2025-01-1\\u0034",', '2025-01-1\\u0034'],
    ]) {
      const c = cursorOn(json as string);
      c.strOfLength('f', 10);
      expect(last(c).text).toBe(text);
    }
    const cut = cursorOn('"2025-01-14",', 11);
    expect(outcome(cut, () => cut.strOfLength('f', 10))).toEqual({ bail: 'f: unterminated string' });
    const notString = cursorOn('x2025-01-14",');
    expect(outcome(notString, () => notString.strOfLength('f', 10))).toEqual({
      bail: 'f: expected a string',
    });
  });
});

describe('JsonByteCursor keys, separators and enums', () => {
  const table = () => keyTable(['alpha', 'beta', 'gamma']);

  it('reads the expected key in place, or any key of the table by name, with spaces around the colon', () => {
    const c = cursorOn('"beta":1');
    expect(c.key(table(), 1, 'obj')).toBe(1);
    expect(c.p).toBe(7);
    for (const [json, hint] of [
      ['"gamma":1', 0],
      ['"gamma" :\t1', 2],
      ['"gamma": 1', 3],
    ] as const) {
      const d = cursorOn(json);
      expect(d.key(table(), hint, 'obj'), json).toBe(2);
      expect(d.p, json).toBe(json.length - 1);
    }
  });

  it.each([
    ['"delta":1', 'obj: unexpected field "delta"'],
    ['"alph":1', 'obj: unexpected field "alph"'],
    ['"\\u0061lpha":1', 'obj: unexpected field "\\u0061lpha"'],
    ['"alpha" 1', "obj: expected ':'"],
  ])('bails on the key of %j', (json, bail) => {
    const c = cursorOn(json);
    expect(outcome(c, () => c.key(table(), 1, 'obj'))).toEqual({ bail });
  });

  it('ends a field at } or , with spaces around, and an element at ] or ,', () => {
    const fields = cursorOn(' , "b" }');
    expect([fields.fieldEnd('o'), fields.p]).toEqual([false, 3]);
    fields.p = 6;
    expect([fields.fieldEnd('o'), fields.p]).toEqual([true, 8]);
    const elements = cursorOn('\n,\t1 ]');
    expect([elements.elementEnd('a'), elements.p]).toEqual([false, 3]);
    elements.p = 4;
    expect([elements.elementEnd('a'), elements.p]).toEqual([true, 6]);
    const bad = cursorOn(' ;');
    expect(outcome(bad, () => bad.fieldEnd('o'))).toEqual({ bail: "o: expected ',' or '}'" });
    const badElement = cursorOn(' }');
    expect(outcome(badElement, () => badElement.elementEnd('a'))).toEqual({ bail: "a: expected ',' or ']'" });
  });

  it('reads an enum value in place among values sharing their first letters', () => {
    const e = () => enumMatcher(['cancelled', 'completed', 'card', 'ca'].map((v) => Buffer.from(v)));
    for (const [value, index] of [
      ['cancelled', 0],
      ['completed', 1],
      ['card', 2],
      ['ca', 3],
    ] as const) {
      const c = cursorOn(`"${value}",`);
      expect(c.enumCode(e(), 'status'), value).toBe(index);
      expect(c.p).toBe(value.length + 2);
    }
    for (const [json, end] of [
      ['"cancel",', undefined],
      ['"Cancelled",', undefined],
      ['"c\\u0061rd",', undefined],
      ['"card",', 5],
      ['"c",', undefined],
      ['card",', undefined],
    ] as const) {
      const c = cursorOn(json, end);
      expect(
        outcome(c, () => c.enumCode(e(), 'status')),
        json,
      ).toEqual({ bail: 'status: not an allowed value' });
    }
  });
});
