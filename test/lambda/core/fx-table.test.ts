import { describe, expect, it } from 'vitest';
import { FxReferenceError, parseFxRates } from '../../../lambda/core/fx-table.js';

describe('parseFxRates', () => {
  it('reads month,currency,rate_to_usd rows as micro-rates by currency and month', () => {
    const rates = parseFxRates('month,currency,rate_to_usd\n2025-01,JPY,0.006410\r\n2025-02, EUR ,1.05\n\n');
    expect([...rates]).toEqual([
      ['JPY 2025-01', 6_410],
      ['EUR 2025-02', 1_050_000],
    ]);
  });

  it.each([
    ['currency,month,rate_to_usd\n', /header/],
    ['month,currency,rate_to_usd\n2025-13,JPY,0.0064\n', /line 2/],
    ['month,currency,rate_to_usd\n2025-01,JPY,0.0064123\n', /6 decimals/],
    ['month,currency,rate_to_usd\n2025-01,XYZ,1\n', /XYZ is not an ISO 4217/],
    ['month,currency,rate_to_usd\n2025-01,JPY,0\n', /positive/],
  ])('refuses a bad file: %j', (csv, message) => {
    expect(() => parseFxRates(csv)).toThrow(FxReferenceError);
    expect(() => parseFxRates(csv)).toThrow(message);
  });
});
