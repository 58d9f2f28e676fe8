import { describe, expect, it } from 'vitest';
import { CURRENCIES } from '../../../contracts/raw-order.js';
import { fxMicroRateToUsd } from '../../../lambda/core/fx-rates.js';
import { oracleFxRateToUsd } from '../../support/oracle-fx-rates.js';

const micro = (rate: number | undefined) => (rate === undefined ? undefined : Math.round(rate * 1e6));

describe('fxMicroRateToUsd', () => {
  it('gives the literal table rate for every ISO currency and month, and none outside 2024-01 … 2025-12', () => {
    const months: [number, number][] = [];
    for (let year = 2022; year <= 2027; year++)
      for (let month = 1; month <= 12; month++) months.push([year, month]);

    let rated = 0;
    for (const currency of CURRENCIES)
      for (const [year, month] of months) {
        const got = fxMicroRateToUsd(currency, year, month);
        expect([currency, year, month, got]).toEqual([
          currency,
          year,
          month,
          micro(oracleFxRateToUsd(currency, year, month)),
        ]);
        if (got !== undefined) rated++;
      }
    // USD in all 72 months; GBP, EUR, CAD, INR in the table's 24 months; nothing else.
    expect(rated).toBe(72 + 4 * 24);
    expect(fxMicroRateToUsd('GBP', 2024, 1)).toBe(1_270_100);
    expect(fxMicroRateToUsd('INR', 2025, 12)).toBe(11_100);
    // No nearest-month fallback.
    expect(fxMicroRateToUsd('GBP', 2023, 12)).toBeUndefined();
    expect(fxMicroRateToUsd('INR', 2026, 1)).toBeUndefined();
    expect(fxMicroRateToUsd('JPY', 2025, 1)).toBeUndefined();
  });
});
