import { idHashPair } from './order-id-set.js';

/** The hash pair of an id (`idHashPair`); tests pass a weak one to force collisions. */
export type IdHashPairFn = (buf: Uint8Array, start: number, end: number, out: Uint32Array) => void;

/** One run of ids' hashes, all with one tag (a row group of one holder's file). */
export interface HashRun {
  h1: Uint32Array;
  h2: Uint32Array;
  tag: number;
}

/**
 * Ids stood for by 64 bits of hash, each with a tag: about 7 bytes an id (a second 32-bit hash,
 * a 16-bit tag, ~1 byte of bucket directory) where an `OrderIdSet` keeps each id's bytes (36-46).
 * Entries are grouped by the top bits of their first hash, 3-6 to a bucket, in the order the runs
 * were given within a bucket (a counting sort): `tagOf` scans one bucket. A match is a candidate,
 * not a proof: another id with the same 64 bits answers too (~1 in 10^9 lookups), so the caller
 * confirms what it relies on (`HeldOrderIds.confirm`).
 */
export class IdHashIndex {
  private readonly pair = new Uint32Array(2);

  private constructor(
    /** Bucket b's entries are `[starts[b], starts[b + 1])` of `second` and `tags`. */
    private readonly starts: Uint32Array,
    private readonly shift: number,
    private readonly second: Uint32Array,
    private readonly tags: Uint16Array | Uint32Array,
    private readonly hashPair: IdHashPairFn,
  ) {}

  /** Entries held (an id given twice counts twice). */
  get size(): number {
    return this.second.length;
  }

  /**
   * Indexes the runs' entries, hashed with `hashPair`, tags below `tagCount`. `runs` is emptied,
   * each run let go once placed: building peaks at ~15 bytes an id (the runs' 8, the index's 7).
   */
  static build(runs: HashRun[], tagCount: number, hashPair: IdHashPairFn = idHashPair): IdHashIndex {
    let size = 0;
    for (const run of runs) size += run.h1.length;
    const bits = Math.min(24, Math.max(8, Math.ceil(Math.log2(Math.max(size, 1) / 6))));
    const shift = 32 - bits;
    const starts = new Uint32Array((1 << bits) + 1);
    for (const run of runs) {
      for (const h of run.h1) {
        const b = (h >>> shift) + 1;
        starts[b] = (starts[b] as number) + 1;
      }
    }
    for (let b = 1; b < starts.length; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
    const next = starts.slice(0, -1);
    const second = new Uint32Array(size);
    const tags = tagCount <= 0x1_0000 ? new Uint16Array(size) : new Uint32Array(size);
    for (let run = runs.shift(); run; run = runs.shift()) {
      const { h1, h2, tag } = run;
      for (let i = 0; i < h1.length; i++) {
        const b = (h1[i] as number) >>> shift;
        const at = next[b] as number;
        next[b] = at + 1;
        second[at] = h2[i] as number;
        tags[at] = tag;
      }
    }
    return new IdHashIndex(starts, shift, second, tags, hashPair);
  }

  /** The tag of the first entry (in run order) whose hashes are those of `buf[start, end)`. */
  tagOf(buf: Uint8Array, start: number, end: number): number | undefined {
    const pair = this.pair;
    this.hashPair(buf, start, end, pair);
    const h2 = pair[1] as number;
    const b = (pair[0] as number) >>> this.shift;
    const { second, starts } = this;
    for (let j = starts[b] as number, to = starts[b + 1] as number; j < to; j++) {
      if (second[j] === h2) return this.tags[j] as number;
    }
    return undefined;
  }
}
