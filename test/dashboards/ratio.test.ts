import { describe, expect, it } from 'vitest';
import { roundRatio } from '../../dashboards/ratio.js';

describe('roundRatio: exact, half away from zero', () => {
  it.each([
    // [numerator, denominator, digits, expected]
    [1286.61, 6, 2, 214.44], // 214.435: a double rounds it down
    [20749.85, 62, 2, 334.68], // 334.675 exactly: a double rounds it down
    [2.05, 2, 2, 1.03], // 1.025
    [-2.05, 2, 2, -1.03], // away from zero, not towards +∞
    [2.05, -2, 2, -1.03],
    [-0.01, 3, 2, 0], // −0.0033 rounds to zero (not −0)
    [1, 3, 6, 0.333333],
    [2, 3, 6, 0.666667],
    [-1, 8, 2, -0.13], // −0.125
    [150_000_000.01, 149_999_999.99, 6, 1], // revenue at scale: beyond 2^53 once scaled
    [7, 7, 2, 1],
  ])('%d / %d to %d decimals is %d', (n, d, digits, expected) => {
    expect(roundRatio(n, d, digits)).toBe(expected);
  });

  it('refuses a zero denominator', () => {
    expect(() => roundRatio(1, 0, 2)).toThrow(RangeError);
  });
});
