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
      tag: tagOf(from),
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
  return index.tagOf(buf, 1, buf.length - 1);
};

describe('IdHashIndex', () => {
  it('answers the tag of the first run holding an id, and nothing for other ids', () => {
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

  it('spreads many ids over buckets and keeps tags past 16 bits', () => {
    const ids = Array.from({ length: 200_000 }, (_, i) => `ORD-20250101-${i.toString(16).padStart(8, '0')}`);
    const runs = runsOf(ids, (from) => 70_000 + from / 1000, 1000);
    const index = IdHashIndex.build(runs, 70_200);
    expect(runs).toHaveLength(0);
    for (let i = 0; i < ids.length; i += 997)
      expect(tagOf(index, ids[i] as string)).toBe(70_000 + Math.floor(i / 1000));
    expect(tagOf(index, 'ORD-20250101-ffffffff')).toBeUndefined();
  });
});
