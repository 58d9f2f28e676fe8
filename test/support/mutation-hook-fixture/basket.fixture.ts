import { beforeAll, expect, it } from 'vitest';
import { basketTotal } from './basket.js';

// Run by Stryker in test/tools/mutation/hook-coverage.test.ts only: the checked value is
// computed in a beforeAll hook, as the ETL's golden tests compute theirs.
let total = 0;
beforeAll(() => {
  total = basketTotal([1, 2, 3]);
});

it('adds up the basket', () => {
  expect(total).toBe(6);
});

it('reaches the code without checking it', () => {
  expect(typeof basketTotal([5])).toBe('number');
});
