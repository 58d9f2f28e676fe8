import type { JsonByteCursor } from './json-byte-cursor.js';

/**
 * Short upper-case codes (ISO 3166 countries, ISO 4217 currencies) read straight from bytes:
 * the letters index a table, one lookup per value however long the list (a linear enum scan
 * over 250 countries would cost the hot path).
 */

const QUOTE = 0x22;
const A = 0x41;

/** A list of codes of one length, by letters: `codes[index of the letters]` is the list index or -1. */
export interface CodeTable {
  length: number;
  codes: Int16Array;
}

export function codeTable(values: readonly string[]): CodeTable {
  const length = values[0]?.length ?? 0;
  const codes = new Int16Array(26 ** length).fill(-1);
  values.forEach((v, i) => {
    if (v.length !== length || !/^[A-Z]+$/.test(v))
      throw new Error(`code "${v}": ${length} letters A-Z expected`);
    let index = 0;
    for (let j = 0; j < length; j++) index = index * 26 + (v.charCodeAt(j) - A);
    codes[index] = i;
  });
  return { length, codes };
}

/** A `"…"` code of `t`: its index in the list; bails when the value is not one of them. */
export function readCode(c: JsonByteCursor, t: CodeTable, field: string): number {
  const { buf, p } = c;
  const n = t.length;
  if (buf[p] === QUOTE && p + n + 2 <= c.end && buf[p + n + 1] === QUOTE) {
    let index = 0;
    for (let i = 1; i <= n; i++) {
      const letter = (buf[p + i] as number) - A;
      if (letter < 0 || letter > 25) return c.bail(`${field}: not an allowed value`);
      index = index * 26 + letter;
    }
    const code = t.codes[index] as number;
    if (code >= 0) {
      c.p = p + n + 2;
      return code;
    }
  }
  return c.bail(`${field}: not an allowed value`);
}
