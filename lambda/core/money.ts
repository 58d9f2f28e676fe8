/**
 * Exact money arithmetic. Amounts travel as integer cents (a double holding an integer, exact
 * below 2^53) and rates as integer micro-units (rate × 1e6), so conversions never accumulate
 * binary floating-point error.
 */

const MICRO = 1_000_000;

/**
 * USD cents of `cents` in a currency whose rate is `microRate` USD per unit × 1e6:
 * round_half_up(cents × rate), computed in integers (BigInt only past 2^53, which the raw
 * contract's 10M money cap keeps out of reach).
 */
export function toUsdCents(cents: number, microRate: number): number {
  const product = cents * microRate;
  if (Number.isSafeInteger(product)) {
    // Exact: below 2^53 the quotient is below 2^34, where rounding a double moves it by at most
    // 2^-20 (half its spacing), less than the 1e-6 between a non-integer quotient and the next
    // integer, so the rounded division never reaches that integer and the floor is the true floor.
    const q = Math.floor(product / MICRO);
    return product - q * MICRO >= MICRO / 2 ? q + 1 : q;
  }
  // round half up = floor((p + m/2) / m); BigInt division truncates towards zero
  const shifted = BigInt(cents) * BigInt(microRate) + BigInt(MICRO / 2);
  const q = shifted / BigInt(MICRO);
  return Number(shifted % BigInt(MICRO) < 0n ? q - 1n : q);
}

/**
 * Writes an integer as a little-endian two's-complement 128-bit value into `words[4i..4i+3]`:
 * the layout of an Arrow Decimal128 (and, using only the first two words, of an Int64).
 */
export function setInt128(words: Uint32Array, i: number, value: number): void {
  const base = i * 4;
  const high = Math.floor(value / 4_294_967_296);
  words[base] = value >>> 0;
  words[base + 1] = high >>> 0;
  const sign = high < 0 ? 0xffff_ffff : 0;
  words[base + 2] = sign;
  words[base + 3] = sign;
}

/** Writes an integer (|v| < 2^53) as a little-endian Int64 into `words[2i..2i+1]`. */
export function setInt64(words: Uint32Array, i: number, value: number): void {
  words[i * 2] = value >>> 0;
  words[i * 2 + 1] = Math.floor(value / 4_294_967_296) >>> 0;
}
