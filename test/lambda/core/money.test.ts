import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fxMicroRateToUsd, fxRateToUsd } from '../../../lambda/core/fx-rates.js';
import { setInt128, toUsdCents } from '../../../lambda/core/money.js';

describe('toUsdCents', () => {
  it('rounds half up in exact integer arithmetic', () => {
    expect(toUsdCents(3750, 1_234_800)).toBe(4631); // 4630.5 -> 4631
    expect(toUsdCents(3749, 1_234_800)).toBe(4629); // 4629.2652
    expect(toUsdCents(1, 500_000)).toBe(1); // 0.5 -> 1
    expect(toUsdCents(1, 499_999)).toBe(0);
    expect(toUsdCents(100_000_000_000, 1_000_000)).toBe(100_000_000_000);
  });

  it('agrees with BigInt arithmetic for any amount and rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000_000_000 }),
        fc.integer({ min: 1, max: 5_000_000 }),
        (cents, rate) => {
          const p = BigInt(cents) * BigInt(rate);
          const expected = Number((p + 500_000n) / 1_000_000n);
          expect(toUsdCents(cents, rate)).toBe(expected);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('setInt128', () => {
  it('writes little-endian two-complement words', () => {
    const words = new Uint32Array(8);
    setInt128(words, 0, 2 ** 40 + 5);
    setInt128(words, 1, -2);
    expect([...words]).toEqual([5, 256, 0, 0, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff]);
  });
});

describe('fx rates', () => {
  it('gives USD 1 and 6-decimal monthly rates, and none outside the table (no nearest month)', () => {
    expect(fxRateToUsd('USD', 2031, 5)).toBe(1);
    expect(fxRateToUsd('GBP', 2025, 1)).toBe(1.2348);
    expect(fxMicroRateToUsd('INR', 2024, 1)).toBe(12_030);
    expect(fxMicroRateToUsd('EUR', 2025, 12)).toBe(1_160_400);
    expect(fxMicroRateToUsd('INR', 2023, 12)).toBeUndefined();
    expect(fxMicroRateToUsd('EUR', 2026, 1)).toBeUndefined();
    expect(fxRateToUsd('JPY', 2025, 1)).toBeUndefined();
  });
});
