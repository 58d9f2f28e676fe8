import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderIdSet } from '../../../lambda/core/order-id-set.js';

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
});
