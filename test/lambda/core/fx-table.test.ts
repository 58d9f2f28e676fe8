import { describe, expect, it } from 'vitest';
import { LAKE } from '../../../contracts/lake-layout.js';
import { FX_RATES_VERSION, fxMicroRateToUsd } from '../../../lambda/core/fx-rates.js';
import {
  FxReferenceError,
  FxTable,
  loadFxTable,
  parseFxRates,
  SHIPPED_FX,
} from '../../../lambda/core/fx-table.js';
import { tempLake } from '../support/orders.js';

describe('parseFxRates', () => {
  it('reads month,currency,rate_to_usd rows as micro-rates by currency and month', () => {
    const rates = parseFxRates(
      ' month, currency ,rate_to_usd\n2025-01,JPY,0.006410\r\n   \n2025-02, EUR ,1.05\n\n',
    );
    expect([...rates]).toEqual([
      ['JPY 2025-01', 6_410],
      ['EUR 2025-02', 1_050_000],
    ]);
    expect([...parseFxRates('month,currency,rate_to_usd\n2025-01,KWD,1000000\n')]).toEqual([
      ['KWD 2025-01', 1_000_000_000_000],
    ]);
  });

  it.each([
    ['', /header/],
    ['currency,month,rate_to_usd\n', /header/],
    ['month,currency,rate_to_usd\n2025-13,JPY,0.0064\n', /line 2/],
    ['month,currency,rate_to_usd\n2025-01,JPY,0.0064123\n', /6 decimals/],
    ['month,currency,rate_to_usd\n2025-01,XYZ,1\n', /XYZ is not an ISO 4217/],
    ['month,currency,rate_to_usd\n2025-01,JPY,0\n', /positive/],
    // A rate that would overflow the USD totals, and the same month and currency twice
    [
      'month,currency,rate_to_usd\n2025-01,JPY,1000000.000001\n',
      /line 2: the rate must be at most 1000000 USD/,
    ],
    [
      'month,currency,rate_to_usd\n2025-01,JPY,0.0064\n2025-01,EUR,1.05\n2025-01,JPY,0.0065\n',
      /line 4: 2025-01,JPY is already on line 2/,
    ],
  ])('refuses a bad file: %j', (csv, message) => {
    expect(() => parseFxRates(csv)).toThrow(FxReferenceError);
    expect(() => parseFxRates(csv)).toThrow(message);
    expect(() => parseFxRates(csv)).toThrow(
      expect.objectContaining({ name: 'FxReferenceError', code: 'fx_reference_invalid' }),
    );
  });
});

describe('FxTable', () => {
  it("takes the reference file's rate for its currency and month, the shipped one otherwise", () => {
    const table = new FxTable(new Map([['JPY 2025-01', 6_410]]), 'test');
    expect(table.microRate('JPY', 2025, 1)).toBe(6_410);
    expect(table.microRate('JPY', 2025, 2)).toBe(fxMicroRateToUsd('JPY', 2025, 2));
    expect(table.microRate('EUR', 2025, 1)).toBe(fxMicroRateToUsd('EUR', 2025, 1));
    expect(fxMicroRateToUsd('JPY', 2025, 1)).not.toBe(6_410);
  });
});

describe('loadFxTable', () => {
  const header = 'month,currency,rate_to_usd\n';
  async function load(csv?: string): Promise<FxTable> {
    const lake = await tempLake();
    try {
      if (csv !== undefined) await lake.store.put(LAKE.fxRates, Buffer.from(csv));
      return await loadFxTable(lake.store);
    } finally {
      await lake.cleanup();
    }
  }

  it('is the shipped table when the lake has no reference file', async () => {
    expect(await load()).toBe(SHIPPED_FX);
    expect(SHIPPED_FX.fingerprint).toBe(FX_RATES_VERSION);
  });

  it('reads the reference file, fingerprinted by its rates whatever their order', async () => {
    const table = await load(`${header}2025-01,JPY,0.006410\n2025-02,EUR,1.05\n`);
    expect(table.microRate('JPY', 2025, 1)).toBe(6_410);
    expect(table.fingerprint).toMatch(new RegExp(`^${FX_RATES_VERSION}\\+ref-[0-9a-f]{16}$`));
    const reordered = await load(`${header}2025-02,EUR,1.050000\n2025-01,JPY,0.00641\n`);
    expect(reordered.fingerprint).toBe(table.fingerprint);
    const changed = await load(`${header}2025-01,JPY,0.006411\n2025-02,EUR,1.05\n`);
    const other = await load(`${header}2025-01,JPY,0.006410\n`);
    expect(new Set([table.fingerprint, changed.fingerprint, other.fingerprint]).size).toBe(3);
  });
});
