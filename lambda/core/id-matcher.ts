import { charRanges, type IdPattern } from '../../contracts/raw-order.js';
import type { JsonByteCursor } from './json-byte-cursor.js';

/**
 * A contract id pattern compiled for byte-wise checks: every part becomes a run of
 * `min`..`max` bytes from a 256-entry class table (a literal character is a run of one byte
 * from a one-byte class). Runs are matched greedily, which equals the RegExp's meaning because
 * `compileId` requires each variable-length run to be followed by a disjoint run or the end.
 */
export interface IdMatcher {
  runs: number;
  /** `table[run * 256 + byte]` is 1 when `byte` may appear in `run`. */
  table: Uint8Array;
  min: Int32Array;
  max: Int32Array;
  /** Total length in bytes when every run is fixed, else -1 (read with `str`). */
  fixedLength: number;
  /** For a fixed length: `byPosition[i * 256 + byte]` is 1 when `byte` may be the id's byte `i`. */
  byPosition: Uint8Array;
}

export function compileId(pattern: IdPattern): IdMatcher {
  const runs: { ranges: [number, number][]; min: number; max: number }[] = [];
  for (const part of pattern) {
    if (typeof part === 'string') {
      for (const ch of part) runs.push({ ranges: charRanges(ch), min: 1, max: 1 });
    } else runs.push({ ranges: charRanges(part.chars), min: part.min, max: part.max });
  }
  const table = new Uint8Array(runs.length * 256);
  runs.forEach((run, r) => {
    for (const [lo, hi] of run.ranges) table.fill(1, r * 256 + lo, r * 256 + hi + 1);
  });
  runs.forEach((run, r) => {
    if (run.min === run.max || r === runs.length - 1) return;
    const disjoint = table.subarray(r * 256, r * 256 + 256).every((v, b) => !(v && table[(r + 1) * 256 + b]));
    if (!disjoint || (runs[r + 1]?.min ?? 0) < 1)
      throw new Error('id pattern: a variable-length run must be followed by a disjoint run or the end');
  });
  const fixed = runs.every((r) => r.min === r.max);
  const fixedLength = fixed ? runs.reduce((n, r) => n + r.min, 0) : -1;
  const byPosition = new Uint8Array(Math.max(fixedLength, 0) * 256);
  let at = 0;
  runs.forEach((run, r) => {
    if (!fixed) return;
    for (let i = 0; i < run.min; i++, at++) byPosition.set(table.subarray(r * 256, r * 256 + 256), at * 256);
  });
  return {
    runs: runs.length,
    table,
    min: Int32Array.from(runs, (r) => r.min),
    max: Int32Array.from(runs, (r) => r.max),
    fixedLength,
    byPosition,
  };
}

/** True when `buf[s0, s1)` is a whole id of the fixed-length pattern `m`: one lookup per byte. */
function matchesFixedId(m: IdMatcher, buf: Buffer, s0: number, s1: number): boolean {
  const len = m.fixedLength;
  if (s1 - s0 !== len) return false;
  const table = m.byPosition;
  for (let i = 0; i < len; i++) if (table[(i << 8) | (buf[s0 + i] as number)] !== 1) return false;
  return true;
}

/** True when `buf[s0, s1)` is a whole id of pattern `m`. */
function matchesId(m: IdMatcher, buf: Buffer, s0: number, s1: number): boolean {
  const { table, min, max } = m;
  let p = s0;
  for (let r = 0; r < m.runs; r++) {
    const from = p;
    const base = r << 8;
    const stop = Math.min(s1, p + (max[r] as number));
    while (p < stop && table[base + (buf[p] as number)] === 1) p++;
    if (p - from < (min[r] as number)) return false;
  }
  return p === s1;
}

const QUOTE = 0x22;

/**
 * A one-run id (the contract's opaque ids) in one pass: bytes of the class up to the closing
 * quote. The class never holds `"` or `\` (the contract excludes them), so the scan stops there.
 */
function readOneRunId(c: JsonByteCursor, m: IdMatcher, field: string): void {
  const { buf, end } = c;
  const table = m.table;
  let p = c.p;
  if (p >= end || buf[p] !== QUOTE) c.bail(`${field}: expected a string`);
  const s0 = ++p;
  const stop = Math.min(end, s0 + (m.max[0] as number));
  while (p < stop && table[buf[p] as number] === 1) p++;
  if (p >= end || buf[p] !== QUOTE || p - s0 < (m.min[0] as number)) c.bail(`${field}: bad format`);
  c.s0 = s0;
  c.s1 = p;
  c.escaped = false;
  c.nonAscii = false;
  c.p = p + 1;
}

/** Reads a string that must be an id of pattern `m`; its bytes are left in the cursor's `[s0, s1)`. */
export function readId(c: JsonByteCursor, m: IdMatcher, field: string): void {
  if (m.runs === 1 && !m.table[QUOTE] && !m.table[0x5c]) readOneRunId(c, m, field);
  else if (m.fixedLength >= 0) {
    c.strOfLength(field, m.fixedLength);
    if (c.escaped || !matchesFixedId(m, c.buf, c.s0, c.s1)) c.bail(`${field}: bad format`);
  } else {
    c.str(field);
    if (c.escaped || !matchesId(m, c.buf, c.s0, c.s1)) c.bail(`${field}: bad format`);
  }
}
