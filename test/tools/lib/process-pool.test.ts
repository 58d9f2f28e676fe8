import { describe, expect, it } from 'vitest';
import { startOrder } from '../../../tools/lib/process-pool.js';

describe('startOrder', () => {
  it('starts the costliest task first, ties in task order', () => {
    const sizes = [0.92, 1.0, 1.48, 1.32, 1.0];
    expect(startOrder(sizes, (s) => s)).toEqual([2, 3, 1, 4, 0]);
  });

  it('keeps task order without a cost', () => {
    expect(startOrder(['a', 'b', 'c'])).toEqual([0, 1, 2]);
  });
});
