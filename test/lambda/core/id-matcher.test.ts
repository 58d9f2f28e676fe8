import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IdPattern, idRegExp, RAW_ORDER_IDS } from '../../../contracts/raw-order.js';
import { compileId, readId } from '../../../lambda/core/id-matcher.js';
import { BAIL, JsonByteCursor } from '../../../lambda/core/json-byte-cursor.js';

/** Whether `readId` takes `id` (written as a JSON string) as an id of `pattern`. */
function takes(pattern: IdPattern, id: string): boolean {
  const buf = Buffer.from(JSON.stringify(id));
  const c = new JsonByteCursor();
  c.begin(buf, 0, buf.length);
  try {
    readId(c, compileId(pattern), 'id');
    return c.p === buf.length;
  } catch (err) {
    if (err === BAIL) return false;
    throw err;
  }
}

const PATTERNS: [string, IdPattern][] = [
  ...Object.entries(RAW_ORDER_IDS),
  ['free printable text', [{ chars: ' -~', min: 1, max: 64 }]],
  ['variable runs', ['A-', { chars: '0-9', min: 1, max: 3 }, '.', { chars: 'a-z_', min: 2, max: 4 }]],
];

/** Strings near a pattern: matches, then matches with one character changed, added or dropped. */
const near = (pattern: IdPattern) =>
  fc
    .record({
      id: fc.stringMatching(idRegExp(pattern)),
      at: fc.nat(),
      op: fc.constantFrom('keep', 'replace', 'insert', 'delete'),
      char: fc.constantFrom('0', '9', 'a', 'f', 'g', 'F', '-', '.', ' ', '~', 'é', '\u007f'),
    })
    .map(({ id, at, op, char }) => {
      const i = id.length ? at % id.length : 0;
      if (op === 'replace') return id.slice(0, i) + char + id.slice(i + 1);
      if (op === 'insert') return id.slice(0, i) + char + id.slice(i);
      if (op === 'delete') return id.slice(0, i) + id.slice(i + 1);
      return id;
    })
    // The byte check never sees escapes: ids holding them leave the fast path.
    .filter((id) => !/["\\]/.test(id));

describe('compileId / readId', () => {
  it.each(PATTERNS)('checks %s bytes exactly as the contract RegExp checks the string', (_, pattern) => {
    const re = idRegExp(pattern);
    let matched = 0;
    let refused = 0;
    fc.assert(
      fc.property(near(pattern), (id) => {
        expect(takes(pattern, id)).toBe(re.test(id));
        if (re.test(id)) matched++;
        else refused++;
      }),
      { numRuns: 2000 },
    );
    // a matcher that took (or refused) everything must not pass: both outcomes are common (the
    // printable-ASCII ids of the contract refuse only a non-ASCII or DEL character, or a 65th)
    expect(matched).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(100);
  });

  it('refuses a pattern whose variable run could be cut more than one way', () => {
    expect(() =>
      compileId([
        { chars: '0-9', min: 1, max: 3 },
        { chars: '0-9a-f', min: 1, max: 1 },
      ]),
    ).toThrow(/variable-length run/);
  });

  it('spells the contract ids as 1-64 printable ASCII characters without quote or backslash', () => {
    for (const pattern of Object.values(RAW_ORDER_IDS)) {
      expect(idRegExp(pattern).source).toBe('^[ !#-[\\]-~]{1,64}$');
    }
  });
});
