import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HashRun, IdHashIndex } from '../../../lambda/core/id-hash-index.js';
import { idHashPair } from '../../../lambda/core/order-id-set.js';

/** Runs of the ids' hashes, `perRun` ids a run, each run tagged as given. */
function runsOf(ids: readonly string[], tagOf: (i: number) => number, perRun: number): HashRun[] {
  const runs: HashRun[] = [];
  const pair = new Uint32Array(2);
  for (let from = 0; from < ids.length; from += perRun) {
    const part = ids.slice(from, from + perRun);
    const run: HashRun = {
      h1: new Uint32Array(part.length),
      h2: new Uint32Array(part.length),
      payload: tagOf(from),
    };
    part.forEach((id, i) => {
      const buf = Buffer.from(id);
      idHashPair(buf, 0, buf.length, pair);
      run.h1[i] = pair[0] as number;
      run.h2[i] = pair[1] as number;
    });
    runs.push(run);
  }
  return runs;
}

const tagOf = (index: IdHashIndex, id: string) => {
  const buf = Buffer.from(`<${id}>`);
  return index.find(buf, 1, buf.length - 1, () => true);
};

describe('IdHashIndex', () => {
  it('finds the payload of the first run holding an id, and nothing for other ids', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 300 }),
        fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 50 }),
        fc.integer({ min: 1, max: 40 }),
        (ids, others, perRun) => {
          const runTag = (from: number) => 1 + Math.floor(from / perRun);
          const index = IdHashIndex.build(runsOf(ids, runTag, perRun), 1 + ids.length);
          const first = new Map<string, number>();
          ids.forEach((id, i) => {
            if (!first.has(id)) first.set(id, runTag(i - (i % perRun)));
          });
          expect(index.size).toBe(ids.length);
          for (const id of ids) expect(tagOf(index, id)).toBe(first.get(id));
          for (const id of others) if (!first.has(id)) expect(tagOf(index, id)).toBeUndefined();
        },
      ),
    );
  });

  it('spreads many ids over buckets and keeps payloads past 16 bits', () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => `ORD-20250101-${i.toString(16).padStart(8, '0')}`);
    const runs = runsOf(ids, (from) => 70_000 + from / 1000, 1000);
    const index = IdHashIndex.build(runs, 70_200);
    expect(runs).toHaveLength(0);
    for (let i = 0; i < ids.length; i += 997)
      expect(tagOf(index, ids[i] as string)).toBe(70_000 + Math.floor(i / 1000));
    expect(tagOf(index, 'ORD-20250101-ffffffff')).toBeUndefined();
  });

  it('offers every matching entry in run order until one is taken', () => {
    // every id of a length has the same hashes: all entries match an id of that length
    const collide = (_buf: Uint8Array, start: number, end: number, out: Uint32Array) => {
      out[0] = 0x8000_0000;
      out[1] = end - start;
    };
    const runs: HashRun[] = [3, 1, 2].map((payload) => ({
      h1: new Uint32Array([0x8000_0000, 0x8000_0000]),
      h2: new Uint32Array([4, 5]),
      payload,
    }));
    const index = IdHashIndex.build(runs, 4, collide);
    const offered: number[] = [];
    const take = (n: number) => (p: number) => offered.push(p) === n;
    const id = Buffer.from('abcd');
    expect(index.find(id, 0, 4, take(2))).toBe(1);
    expect(offered).toEqual([3, 1]);
    offered.length = 0;
    expect(index.find(Buffer.from('abcde'), 0, 5, take(99))).toBeUndefined();
    expect(offered).toEqual([3, 1, 2]);
    expect(index.find(Buffer.from('abc'), 0, 3, () => true)).toBeUndefined();
  });

  it('looks in its own bucket only', () => {
    // 8 bits of buckets: 0x7f… is the bucket just before 0x80…, whose entry has the same second hash
    const fixed = (_buf: Uint8Array, start: number, end: number, out: Uint32Array) => {
      out[0] = end - start === 1 ? 0x7f00_0000 : 0x8000_0000;
      out[1] = 9;
    };
    const runs: HashRun[] = [{ h1: new Uint32Array([0x8000_0000]), h2: new Uint32Array([9]), payload: 2 }];
    const index = IdHashIndex.build(runs, 3, fixed);
    expect(index.find(Buffer.from('ab'), 0, 2, () => true)).toBe(2);
    expect(index.find(Buffer.from('a'), 0, 1, () => true)).toBeUndefined();
  });
});
