import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARENA_BLOCK_BYTES, idHash, OrderIdSet } from '../../../lambda/core/order-id-set.js';

describe('OrderIdSet', () => {
  it('reports a repeated id exactly when a Set of strings would, across table growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 64 }), { maxLength: 200 }), (ids) => {
        const set = new OrderIdSet();
        const seen = new Set<string>();
        for (const id of ids) {
          const buf = Buffer.from(`[${id}]`);
          expect(set.add(buf, 1, buf.length - 1)).toBe(!seen.has(id));
          seen.add(id);
        }
      }),
    );
    const set = new OrderIdSet();
    const id = (i: number) => Buffer.from(`ORD-20250101-${i.toString(16).padStart(8, '0')}`);
    for (let i = 0; i < 100_000; i++) expect(set.add(id(i), 0, 21)).toBe(true);
    for (let i = 0; i < 100_000; i += 997) expect(set.add(id(i), 0, 21)).toBe(false);
    expect(set.size).toBe(100_000);
  });

  // Pairs of ids whose 32-bit hashes are equal (a birthday search over ORD-<n>, and a search for
  // a suffix that leaves the hash of ORD-1 unchanged): the set must tell them apart by their
  // bytes, whether the lengths differ, are equal, or one id is the start of the other.
  it.each([
    ['ORD-666408', 'ORD-2011080'],
    ['ORD-0022789', 'ORD-0239192'],
    ['ORD-1[vJCZ', 'ORD-1'],
  ])('keeps %s and %s apart although their hashes are equal', (a, b) => {
    const [ba, bb] = [Buffer.from(a), Buffer.from(b)];
    expect(idHash(ba, 0, ba.length)).toBe(idHash(bb, 0, bb.length));
    const set = new OrderIdSet();
    expect(set.add(ba, 0, ba.length)).toBe(true);
    expect(set.has(bb, 0, bb.length)).toBe(false);
    expect(set.add(bb, 0, bb.length)).toBe(true);
    expect(set.has(ba, 0, ba.length)).toBe(true);
    expect(set.has(bb, 0, bb.length)).toBe(true);
    expect(set.add(ba, 0, ba.length)).toBe(false);
    expect(set.add(bb, 0, bb.length)).toBe(false);
    expect(set.size).toBe(2);
  });

  it('visits every id it holds once, in the order added, repeats not kept, across arena growth', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 255 }), { maxLength: 600 }), (ids) => {
        const set = new OrderIdSet();
        for (const id of ids) {
          const buf = Buffer.from(id);
          if (buf.length <= 255) set.add(buf, 0, buf.length);
        }
        const visited: string[] = [];
        set.forEach((buf, start, end) => {
          visited.push(Buffer.from(buf.subarray(start, end)).toString());
        });
        const expected = [...new Set(ids.filter((id) => Buffer.byteLength(id) <= 255))];
        expect(visited).toEqual(expected);
        expect(visited).toHaveLength(set.size);
      }),
      { numRuns: 50 },
    );
  });

  it('takes ids of up to 255 bytes and refuses a longer one by name', () => {
    const set = new OrderIdSet();
    const longest = Buffer.alloc(255, 0x41);
    expect(set.add(longest, 0, 255)).toBe(true);
    expect(set.has(longest, 0, 255)).toBe(true);
    expect(set.has(longest, 0, 254)).toBe(false);
    expect(() => set.add(Buffer.alloc(256, 0x42), 0, 256)).toThrow('order id longer than 255 bytes');
    expect(set.size).toBe(1);
  });

  it.each([
    [0, false],
    [1, false],
    [2, false],
    [0, true],
    [1, true],
    [2, true],
  ])(
    'keeps every byte (and tag) of an id that runs %i byte(s) past the end of an arena block (tagged: %s)',
    (overrun, tagged) => {
      // Each id costs its length + 1 (+ 3 for its tag): distinct 255-byte ids, then two shorter
      // ones, fill the block but for the room of a 99-byte id; the last id needs 0-2 bytes more.
      const entry = (len: number) => len + 1 + (tagged ? 3 : 0);
      const ids: Buffer[] = [];
      let used = 0;
      while (ARENA_BLOCK_BYTES - used - entry(255) >= entry(99) + 2 * entry(1)) {
        const id = Buffer.alloc(255, 0x41);
        id.writeUInt32BE(ids.length, 0);
        ids.push(id);
        used += entry(255);
      }
      const fill = ARENA_BLOCK_BYTES - used - entry(99) - 2 * entry(0);
      ids.push(Buffer.alloc(Math.floor(fill / 2), 0xfe), Buffer.alloc(Math.ceil(fill / 2), 0xfc));
      ids.push(Buffer.alloc(99 + overrun, 0xfd).fill(0x7a, 98 + overrun));
      const set = new OrderIdSet({ tagged });
      const tagOfIndex = (i: number) => (tagged ? (i * 40_503) % 0x100_0000 : 0);
      // one expect per check over all ids (thousands of expects cost seconds)
      expect(ids.filter((id, i) => !set.add(id, 0, id.length, tagOfIndex(i)))).toEqual([]);
      expect(ids.map((id) => set.tagOf(id, 0, id.length))).toEqual(ids.map((_, i) => tagOfIndex(i)));
      expect(ids.filter((id) => set.add(id, 0, id.length))).toEqual([]);
      const visited: Buffer[] = [];
      set.forEach((buf, start, end) => {
        visited.push(Buffer.from(buf.subarray(start, end)));
      });
      expect(visited.map((v) => v.length)).toEqual(ids.map((id) => id.length));
      expect(Buffer.concat(visited).equals(Buffer.concat(ids))).toBe(true);
      expect(set.size).toBe(ids.length);
    },
  );

  it('keeps each id with the tag it was first added with, across table growth', () => {
    const set = new OrderIdSet({ tagged: true });
    const id = (i: number) => Buffer.from(`ORD-20250101-${i.toString(16).padStart(8, '0')}`);
    for (let i = 0; i < 50_000; i++) expect(set.add(id(i), 0, 21, i % 12)).toBe(true);
    for (let i = 0; i < 50_000; i += 7) expect(set.add(id(i), 0, 21, 99)).toBe(false);
    for (let i = 0; i < 50_000; i++) expect(set.tagOf(id(i), 0, 21)).toBe(i % 12);
    expect(set.tagOf(id(50_000), 0, 21)).toBeUndefined();
    const last = Buffer.from('ORD-last');
    expect(set.add(last, 0, last.length, 0xff_ffff)).toBe(true);
    expect(set.tagOf(last, 0, last.length)).toBe(0xff_ffff);
    expect(() => set.add(Buffer.from('ORD-over'), 0, 8, 0x100_0000)).toThrow(
      'tag 16777216 is not an integer in 0-16777215',
    );
    expect(() => set.add(Buffer.from('ORD-neg'), 0, 7, -1)).toThrow('is not an integer');
    expect(() => new OrderIdSet().add(last, 0, last.length, 1)).toThrow('tag given to an untagged set');
  });

  it('answers tagOf with 0 for a present id of an untagged set', () => {
    const set = new OrderIdSet();
    const id = Buffer.from('ORD-1');
    expect(set.tagOf(id, 0, id.length)).toBeUndefined();
    set.add(id, 0, id.length);
    expect(set.tagOf(id, 0, id.length)).toBe(0);
  });

  // A full open-addressing table would never end a lookup of an absent id: the table must grow
  // before it fills, whatever its load limit.
  it.each([24_575, 24_576, 32_767, 32_768])(
    'answers for an absent id after %i ids (the first table has 32,768 slots)',
    (n) => {
      const set = new OrderIdSet();
      const id = (i: number) => Buffer.from(`ORD-${i}`);
      for (let i = 0; i < n; i++) set.add(id(i), 0, id(i).length);
      expect(set.has(Buffer.from('absent'), 0, 6)).toBe(false);
      expect(set.add(Buffer.from('absent'), 0, 6)).toBe(true);
      expect(set.size).toBe(n + 1);
    },
  );

  it('finds every id it holds, and none it does not, after the table has grown', () => {
    const set = new OrderIdSet();
    const id = (i: number) => Buffer.from(`ORD-${i}`);
    for (let i = 0; i < 40_000; i++) set.add(id(i), 0, id(i).length);
    for (let i = 0; i < 40_000; i++) expect(set.has(id(i), 0, id(i).length)).toBe(true);
    for (let i = 40_000; i < 80_000; i++) expect(set.has(id(i), 0, id(i).length)).toBe(false);
  });
});
