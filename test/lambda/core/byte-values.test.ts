import { describe, expect, it } from 'vitest';
import { categoryKey } from '../../../contracts/raw-order.js';
import { readCategory } from '../../../lambda/core/category-values.js';
import type { TextRef } from '../../../lambda/core/contract-values.js';
import { codeTable, readCode } from '../../../lambda/core/iso-code-values.js';
import { cursorOn, outcome } from '../support/cursor.js';

// The fast parser's readers of short values, on bytes: what they return, where the cursor ends,
// and which path they take (a record's own bytes, or text decoded into the arena).

describe('readCategory', () => {
  const range = { min: 1, max: 100 };
  /** Reads `json` as a category: the key it stands for, and whether it went to the arena. */
  function category(json: string): { key: string; arena: boolean } {
    const c = cursorOn(json);
    const stored: string[] = [];
    const arena = {
      addToArena: (value: string): [number, number] => {
        stored.push(value);
        return [-1, -1 - value.length];
      },
    };
    const into: TextRef = { start: 0, end: 0 };
    readCategory(c, range, arena, into);
    if (stored.length > 0) {
      expect(into).toEqual({ start: -1, end: -1 - (stored[0] as string).length });
      return { key: stored[0] as string, arena: true };
    }
    return { key: c.buf.toString('utf8', into.start, into.end), arena: false };
  }

  it.each(['electronics', 'home_kitchen', 'a', 'z9', '0a_9z', 'b_2_c'])(
    'keeps %s, already its own key, as a range of the record',
    (cat) => {
      expect(categoryKey(cat)).toBe(cat);
      expect(category(JSON.stringify(cat))).toEqual({ key: cat, arena: false });
    },
  );

  it.each([
    'Garden & Patio',
    'Books',
    '_books',
    'books_',
    'books__used',
    'a/b',
    'a:b',
    'a`b',
    'a{b',
    'a-b',
    'café',
  ])('folds %s into its key in the arena', (cat) => {
    expect(category(JSON.stringify(cat))).toEqual({ key: categoryKey(cat), arena: true });
  });

  it('decodes escapes before folding, and bails on a category with no letter or digit', () => {
    expect(category('"home\\u005fkitchen"')).toEqual({ key: 'home_kitchen', arena: true });
    const c = cursorOn('"&&"');
    const into = { start: 0, end: 0 };
    expect(outcome(c, () => readCategory(c, range, { addToArena: () => [0, 0] }, into))).toEqual({
      bail: 'category: needs a letter or digit',
    });
    const d = cursorOn('7');
    expect(outcome(d, () => readCategory(d, range, { addToArena: () => [0, 0] }, into))).toEqual({
      bail: 'category: expected a string',
    });
  });
});

describe('readCode', () => {
  // built inside each test, so that the mutation run credits codeTable to the tests that use it
  const table = () => codeTable(['US', 'GB', 'ZA']);

  it('returns the index of a listed code and moves past its closing quote', () => {
    const t = table();
    for (const [code, index] of [
      ['US', 0],
      ['GB', 1],
      ['ZA', 2],
    ] as const) {
      const c = cursorOn(`"${code}",`);
      expect(readCode(c, t, 'country')).toBe(index);
      expect(c.p).toBe(4);
    }
    // a value that ends the record exactly
    const c = cursorOn('"US"');
    expect(readCode(c, t, 'country')).toBe(0);
    expect(c.p).toBe(4);
  });

  it.each([
    '"us"',
    '"UK"',
    '"AA"',
    '"U"',
    '"USA"',
    '"U$"',
    '"[S"',
    '"US',
    'US"',
    'xUS"',
    '""',
    '7',
    '"U\\u0053"',
    // letters past Z that index the same slot as US (19 × 26 + 44 = 20 × 26 + 18)
    '"Tm"',
  ])('bails on %s with the field named', (json) => {
    const c = cursorOn(json);
    expect(outcome(c, () => readCode(c, table(), 'country'))).toEqual({
      bail: 'country: not an allowed value',
    });
    expect(c.p).toBe(0);
  });

  it('bails when the closing quote lies past the end of the record', () => {
    const c = cursorOn('"US",', 3);
    expect(outcome(c, () => readCode(c, table(), 'country'))).toEqual({
      bail: 'country: not an allowed value',
    });
  });

  it('refuses a list of codes of mixed lengths or other characters', () => {
    expect(() => codeTable(['US', 'USA'])).toThrow('code "USA": 2 letters A-Z expected');
    for (const code of ['us', 'Us', 'uS', 'U1'])
      expect(() => codeTable([code])).toThrow(`code "${code}": 2 letters A-Z expected`);
    expect(codeTable([]).length).toBe(0);
  });
});
