import { describe, expect, it } from 'vitest';
import { CURRENCIES } from '../../../contracts/raw-order.js';
import { fxMicroRateToUsd } from '../../../lambda/core/fx-rates.js';
import { oracleFxRateToUsd } from '../../support/oracle-fx-rates.js';

describe('fxMicroRateToUsd', () => {
  it('gives the literal table rate for every currency and month, clamping outside 2024-01 … 2025-12', () => {
    const months: [number, number][] = [];
    for (let year = 2022; year <= 2027; year++)
      for (let month = 1; month <= 12; month++) months.push([year, month]);

    for (const currency of CURRENCIES)
      for (const [year, month] of months)
        expect([currency, year, month, fxMicroRateToUsd(currency, year, month)]).toEqual([
          currency,
          year,
          month,
          Math.round(oracleFxRateToUsd(currency, year, month) * 1e6),
        ]);
    expect(fxMicroRateToUsd('GBP', 2023, 12)).toBe(1_270_100);
    expect(fxMicroRateToUsd('INR', 2026, 1)).toBe(11_100);
  });
});
