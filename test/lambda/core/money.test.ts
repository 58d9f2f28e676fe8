import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fxMicroRateToUsd, fxRateToUsd } from '../../../lambda/core/fx-rates.js';
import { setInt64, setInt128, toUsdCents } from '../../../lambda/core/money.js';

describe('toUsdCents', () => {
  it('rounds half up in exact integer arithmetic', () => {
    expect(toUsdCents(3750, 1_234_800)).toBe(4631); // 4630.5 -> 4631
    expect(toUsdCents(3749, 1_234_800)).toBe(4629); // 4629.2652
    expect(toUsdCents(1, 500_000)).toBe(1); // 0.5 -> 1
    expect(toUsdCents(1, 499_999)).toBe(0);
    expect(toUsdCents(100_000_000_000, 1_000_000)).toBe(100_000_000_000);
  });

  it('rounds a tie past 2^53 up, where the double product has already lost the half', () => {
    // (2^40 + 1) x 0.5 = 549,755,813,888.5 cents: the double product rounds to an even number
    expect(toUsdCents(2 ** 40 + 1, 500_000)).toBe(549_755_813_889);
    expect(toUsdCents(-(2 ** 40) - 1, 500_000)).toBe(-549_755_813_888);
  });

  it('agrees with BigInt arithmetic for any amount and rate, on both sides of 2^53 and below 0', () => {
    /** round half up (towards +infinity) of p / 10^6, in BigInt, whatever the sign. */
    const expectedCents = (p: bigint): number => {
      const shifted = p + 500_000n;
      const q = shifted / 1_000_000n;
      return Number(shifted % 1_000_000n < 0n ? q - 1n : q);
    };
    let exactInDoubles = 0;
    let pastDoubles = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -2_000_000_000_000, max: 2_000_000_000_000 }),
          // amounts the raw contract allows (at most 10M, in cents), whose products stay below 2^53
          fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        ),
        fc.integer({ min: 1, max: 5_000_000 }),
        (cents, rate) => {
          if (Number.isSafeInteger(cents * rate)) exactInDoubles++;
          else pastDoubles++;
          expect(toUsdCents(cents, rate)).toBe(expectedCents(BigInt(cents) * BigInt(rate)));
        },
      ),
      { numRuns: 5000 },
    );
    // both of toUsdCents' paths (doubles below 2^53, BigInt past it) must be exercised in earnest
    expect(exactInDoubles).toBeGreaterThan(1000);
    expect(pastDoubles).toBeGreaterThan(1000);
  });
});

describe('setInt64', () => {
  it('writes little-endian two-complement words', () => {
    const words = new Uint32Array(4);
    setInt64(words, 0, 2 ** 40 + 5);
    setInt64(words, 1, -2);
    expect([...words]).toEqual([5, 256, 0xffff_fffe, 0xffff_ffff]);
  });
});

describe('setInt128', () => {
  it('writes little-endian two-complement words', () => {
    const words = new Uint32Array(8);
    setInt128(words, 0, 2 ** 40 + 5);
    setInt128(words, 1, -2);
    expect([...words]).toEqual([5, 256, 0, 0, 0xffff_fffe, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff]);
    // below 2^32 the high words are zeros, not the sign of a negative
    setInt128(words, 1, 7);
    expect([...words.subarray(4)]).toEqual([7, 0, 0, 0]);
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
