import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idHash, OrderIdSet } from '../../../lambda/core/order-id-set.js';

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

  it.each([0, 1, 2])(
    'keeps every byte of an id that runs %i byte(s) past the end of its byte arena',
    (overrun) => {
      // The arena starts at 64 KiB and each id costs its length + 1: 255 ids of 255 bytes and one
      // of 155 leave 100 bytes, then the last id needs 100 + overrun of them plus 1.
      const ids: Buffer[] = [];
      for (let i = 0; i < 255; i++) ids.push(Buffer.alloc(255, i));
      ids.push(Buffer.alloc(155, 0xfe));
      ids.push(Buffer.alloc(99 + overrun, 0xfd).fill(0x7a, 98 + overrun));
      const set = new OrderIdSet();
      for (const id of ids) expect(set.add(id, 0, id.length)).toBe(true);
      for (const id of ids) expect(set.has(id, 0, id.length)).toBe(true);
      for (const id of ids) expect(set.add(id, 0, id.length)).toBe(false);
      expect(set.size).toBe(ids.length);
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
