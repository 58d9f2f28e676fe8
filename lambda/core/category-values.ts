import { categoryKey, type Range } from '../../contracts/raw-order.js';
import { readText, type TextArena, type TextRef } from './contract-values.js';
import type { JsonByteCursor } from './json-byte-cursor.js';

/**
 * A category read from bytes into its grouping key (`categoryKey`, snake_case). A category that
 * already is its key (the usual case: `electronics`, `home_kitchen`) stays a range of the
 * record's bytes; any other (`Garden & Patio`) is decoded, folded and stored in the arena.
 */

const UNDERSCORE = 0x5f;

/** True when `buf[s0, s1)` is `[a-z0-9]+(_[a-z0-9]+)*`, i.e. equal to its own key. */
function isKey(buf: Buffer, s0: number, s1: number): boolean {
  let previous = UNDERSCORE;
  for (let i = s0; i < s1; i++) {
    const b = buf[i] as number;
    if (b === UNDERSCORE) {
      if (previous === UNDERSCORE) return false;
    } else if (!((b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39))) return false;
    previous = b;
  }
  return previous !== UNDERSCORE;
}

/** Reads a category of `range` code points; writes its key's reference to `into`. */
export function readCategory(c: JsonByteCursor, range: Range, arena: TextArena, into: TextRef): void {
  readText(c, 'category', range, undefined, into);
  const { buf, s0, s1 } = c;
  if (!c.escaped && !c.nonAscii && isKey(buf, s0, s1)) {
    into.start = s0;
    into.end = s1;
    return;
  }
  const text = c.escaped
    ? (JSON.parse(buf.toString('utf8', s0 - 1, s1 + 1)) as string)
    : buf.toString('utf8', s0, s1);
  const key = categoryKey(text);
  if (key === '') c.bail('category: needs a letter or digit');
  [into.start, into.end] = arena.addToArena(key);
}
