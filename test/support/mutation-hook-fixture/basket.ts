/** A fixture for test/tools/mutation/hook-coverage.test.ts: the code its mutants are made in. */
export function basketTotal(prices: readonly number[]): number {
  let total = 0;
  for (const price of prices) total += price;
  return total;
}
