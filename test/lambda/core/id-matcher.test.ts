import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IdPattern, idRegExp, RAW_ORDER_IDS } from '../../../contracts/raw-order.js';
import { compileId, readId } from '../../../lambda/core/id-matcher.js';
import { BAIL, JsonByteCursor } from '../../../lambda/core/json-byte-cursor.js';
import { cursorOn, outcome } from '../support/cursor.js';

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
  // every run fixed: checked by position, one lookup per byte
  ['a fixed shape', ['ORD-', { chars: '0-9a-f', min: 8, max: 8 }]],
  // one run whose class holds `"` and `\\`: read as a JSON string first, then matched
  ['one run with quotes allowed', [{ chars: ' -~', min: 2, max: 10 }]],
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

  it('refuses a variable run followed by an overlapping or optional run, wherever it stands', () => {
    const digits = { chars: '0-9', min: 1, max: 3 };
    for (const pattern of [
      ['A', digits, { chars: '0-9a-f', min: 1, max: 1 }],
      ['AB', digits, '-', digits, '7'],
      [digits, { chars: 'a-z', min: 0, max: 2 }],
    ] as IdPattern[])
      expect(() => compileId(pattern), JSON.stringify(pattern)).toThrow(/variable-length run/);
    for (const pattern of [
      ['A', digits, '-', digits],
      ['AB', digits, { chars: 'a-f', min: 1, max: 1 }, digits],
      // fixed runs may overlap: there is one way to cut them
      ['A', { chars: 'A-Z', min: 1, max: 1 }, { chars: 'A-Z', min: 2, max: 2 }],
    ] as IdPattern[])
      expect(() => compileId(pattern), JSON.stringify(pattern)).not.toThrow();
  });
});

describe('readId on a record', () => {
  const opaque = compileId(RAW_ORDER_IDS.order);
  const fixed = compileId(['ORD-', { chars: '0-9', min: 3, max: 3 }]);
  const variable = compileId(['A', { chars: '0-9', min: 1, max: 3 }]);

  it.each([
    ['a number', 'opaque', '123', 'id: expected a string'],
    ['nothing left in the record', 'opaque', '"ORD-1"', 'id: expected a string', 0],
    ['a closing quote past the record', 'opaque', '"ORD-1"', 'id: bad format', 6],
    ['an empty id', 'opaque', '""', 'id: bad format'],
    ['a 65-character id', 'opaque', JSON.stringify('x'.repeat(65)), 'id: bad format'],
    ['a fixed id one digit short', 'fixed', '"ORD-12"', 'id: bad format'],
    ['a fixed id with a letter for a digit', 'fixed', '"ORD-1a3"', 'id: bad format'],
    ['a fixed id with an escape', 'fixed', '"ORD-1\\u00323"', 'id: bad format'],
    ['a variable id with an escape', 'variable', '"A\\u0031"', 'id: bad format'],
    ['a variable id of four digits', 'variable', '"A1234"', 'id: bad format'],
  ] as const)('bails on %s with the reason', (_, kind, json, bail, end?: number) => {
    const m = { opaque, fixed, variable }[kind];
    const c = cursorOn(json, end);
    expect(outcome(c, () => readId(c, m, 'id'))).toEqual({ bail });
  });

  it.each([
    ['opaque', '"ORD-1",', 'ORD-1'],
    ['fixed', '"ORD-123",', 'ORD-123'],
    ['variable', '"A12",', 'A12'],
  ] as const)('leaves a %s id in [s0, s1), unescaped and ASCII, and moves past it', (kind, json, id) => {
    const m = { opaque, fixed, variable }[kind];
    const c = cursorOn(json);
    // as a previous string of the record may have left them
    c.escaped = true;
    c.nonAscii = true;
    readId(c, m, 'id');
    expect({
      id: c.buf.toString('utf8', c.s0, c.s1),
      escaped: c.escaped,
      nonAscii: c.nonAscii,
      p: c.p,
    }).toEqual({
      id,
      escaped: false,
      nonAscii: false,
      p: json.length - 1,
    });
  });
});
