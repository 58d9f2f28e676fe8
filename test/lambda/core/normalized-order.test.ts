import { describe, expect, it } from 'vitest';
import { ARENA, NormalizedOrder } from '../../../lambda/core/normalized-order.js';

// The arena holds a record's decoded strings (escaped or folded values); references at or past
// ARENA point into it. It starts at 1 KiB and grows with the record.
describe('NormalizedOrder arena', () => {
  const text = (o: NormalizedOrder, [start, end]: [number, number]) =>
    o.arena.toString('utf8', start - ARENA, end - ARENA);

  it('keeps every decoded string, in UTF-8, as the arena grows past its first size', () => {
    const o = new NormalizedOrder();
    const values = ['short', 'é'.repeat(400), '€'.repeat(1000), 'x', '😀'.repeat(700)];
    const refs = values.map((v) => o.addToArena(v));
    expect(refs.map((r) => text(o, r))).toEqual(values);
    expect(refs[0]).toEqual([ARENA, ARENA + 5]);
    expect(refs.map(([s, e]) => e - s)).toEqual(values.map((v) => Buffer.byteLength(v)));
    // back to back: each string starts where the one before ended
    for (let i = 1; i < refs.length; i++) expect(refs[i]?.[0]).toBe(refs[i - 1]?.[1]);
  });

  it('starts the next record with an empty arena', () => {
    const o = new NormalizedOrder();
    o.addToArena('€'.repeat(1000));
    o.reset(Buffer.from('{}'));
    expect(o.addToArena('abc')).toEqual([ARENA, ARENA + 3]);
    expect(text(o, [ARENA, ARENA + 3])).toBe('abc');
  });
});
