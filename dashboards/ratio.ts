/**
 * `numerator / denominator` rounded to `digits` decimals, half away from zero, computed exactly,
 * as the marts' ROUND does on exact decimals (docs/metrics.md). Both operands are USD amounts
 * (two decimals) or counts, so they are taken in hundredths, as integers. Doubles would not do:
 * 1286.61 / 6 = 214.435 is 214.434999… as a double, which rounds to 214.43, not 214.44.
 */
export function roundRatio(numerator: number, denominator: number, digits: number): number {
  const n = BigInt(Math.round(numerator * 100));
  const d = BigInt(Math.round(denominator * 100));
  if (d === 0n) throw new RangeError('roundRatio: division by zero');
  const abs = (v: bigint) => (v < 0n ? -v : v);
  const scaled = abs(n) * 10n ** BigInt(digits);
  // round(|n| / |d|) half up = floor((2|n| + |d|) / 2|d|); the sign goes back on afterwards
  const q = (2n * scaled + abs(d)) / (2n * abs(d));
  const negative = n < 0n !== d < 0n && q !== 0n;
  return (negative ? -Number(q) : Number(q)) / 10 ** digits;
}
