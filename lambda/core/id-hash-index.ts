import { idHashPair } from './order-id-set.js';

/** The hash pair of an id (`idHashPair`); tests pass a weak one to force collisions. */
export type IdHashPairFn = (buf: Uint8Array, start: number, end: number, out: Uint32Array) => void;

/** One run of ids' hashes, all with one payload (a row group of one file). */
export interface HashRun {
  h1: Uint32Array;
  h2: Uint32Array;
  payload: number;
}

/** Buckets of 3-6 entries up to this many bits of the first hash (~1.6B entries, whose buckets take 1 GiB). */
const MAX_BUCKET_BITS = 28;

/**
 * Ids stood for by their hashes, each with a payload number: about 7 bytes an id (a second 32-bit
 * hash, a 16-bit payload, ~1 byte of buckets) where an `OrderIdSet` keeps each id's bytes
 * (36-46). Entries are grouped by the top bits of their first hash, 3-6 to a bucket, kept in the
 * order the runs were given (a stable counting sort). A lookup compares the second hash of the 3-6
 * entries of its bucket, each equal by chance once in 2^32: about once in 10^9 lookups it meets
 * another id's entry (more often past ~1.6B entries, where the buckets stop multiplying). A match
 * is a candidate, not a proof (`HeldOrderIds` confirms what it relies on).
 */
export class IdHashIndex {
  private readonly pair = new Uint32Array(2);

  private constructor(
    /** Bucket b's entries are `[starts[b], starts[b + 1])` of `second` and `payloads`. */
    private readonly starts: Uint32Array,
    private readonly shift: number,
    private readonly second: Uint32Array,
    private readonly payloads: Uint16Array | Uint32Array,
    private readonly hashPair: IdHashPairFn,
  ) {}

  /** Entries held (an id given twice counts twice). */
  get size(): number {
    return this.second.length;
  }

  /**
   * Indexes the runs' entries, hashed with `hashPair`, payloads below `payloadCount`. `runs` is
   * emptied, each run let go once placed: building peaks at ~14 bytes an entry (the runs' 8, the
   * index's 6) plus the buckets.
   */
  static build(runs: HashRun[], payloadCount: number, hashPair: IdHashPairFn = idHashPair): IdHashIndex {
    let size = 0;
    for (const run of runs) size += run.h1.length;
    const bits = Math.min(MAX_BUCKET_BITS, Math.max(8, Math.ceil(Math.log2(Math.max(size, 1) / 6))));
    const shift = 32 - bits;
    // counts, then each bucket's end; placing the entries from the last backwards leaves each
    // bucket's start there, the entries in their given order within it
    const starts = new Uint32Array((1 << bits) + 1);
    for (const run of runs) {
      for (const h of run.h1) {
        const b = h >>> shift;
        starts[b] = (starts[b] as number) + 1;
      }
    }
    for (let b = 1; b < starts.length; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
    const second = new Uint32Array(size);
    const payloads = payloadCount <= 0x1_0000 ? new Uint16Array(size) : new Uint32Array(size);
    for (let run = runs.pop(); run; run = runs.pop()) {
      const { h1, h2, payload } = run;
      for (let i = h1.length - 1; i >= 0; i--) {
        const b = (h1[i] as number) >>> shift;
        const at = (starts[b] as number) - 1;
        starts[b] = at;
        second[at] = h2[i] as number;
        payloads[at] = payload;
      }
    }
    return new IdHashIndex(starts, shift, second, payloads, hashPair);
  }

  /**
   * Calls `each` with the payload of every entry whose hashes are those of `buf[start, end)` (and
   * that id), in the order given, until it returns true; returns that payload, or undefined.
   */
  find(
    buf: Uint8Array,
    start: number,
    end: number,
    each: (payload: number, buf: Uint8Array, start: number, end: number) => boolean,
  ): number | undefined {
    const pair = this.pair;
    this.hashPair(buf, start, end, pair);
    const h2 = pair[1] as number;
    const b = (pair[0] as number) >>> this.shift;
    const { second, starts, payloads } = this;
    for (let j = starts[b] as number, to = starts[b + 1] as number; j < to; j++) {
      if (second[j] === h2 && each(payloads[j] as number, buf, start, end)) return payloads[j] as number;
    }
    return undefined;
  }
}
