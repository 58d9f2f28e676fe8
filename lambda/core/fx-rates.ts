import { partitionLabel } from '../../contracts/lake-keys.js';

/**
 * Monthly conversion rates to USD that ship with the ETL (a small versioned table of
 * monthly rates). Values are USD per 1 unit of the currency, with 6 decimals, approximating
 * each month's average reference rate. Changing any value means a new `FX_RATES_VERSION`: the
 * local ETL state records the version and reprocesses every source when it changes.
 *
 * A month outside the table has no rate: an order there is quarantined as `fx_rate_missing`
 * (no silent nearest rate) unless the lake's FX reference file gives one (`fx-table.ts`).
 */
export const FX_RATES_VERSION = 'fx-2025.12.1';

/** First month of the table. */
const FIRST = { year: 2024, month: 1 } as const;

/** Micro-USD (rate × 1e6) per month from FIRST on, one row per currency. */
const MICRO_RATES: Readonly<Record<string, readonly number[]>> = {
  // 2024-01 … 2024-12, then 2025-01 … 2025-12
  GBP: [
    1_270_100, 1_263_200, 1_271_400, 1_252_300, 1_263_900, 1_271_200, 1_285_500, 1_294_200, 1_322_100,
    1_304_300, 1_275_600, 1_266_400, 1_234_800, 1_253_100, 1_291_300, 1_313_700, 1_335_600, 1_355_200,
    1_350_400, 1_345_100, 1_350_300, 1_334_800, 1_314_900, 1_320_200,
  ],
  EUR: [
    1_090_800, 1_079_300, 1_087_200, 1_072_100, 1_081_300, 1_076_100, 1_084_400, 1_101_200, 1_110_700,
    1_090_200, 1_063_400, 1_047_600, 1_035_100, 1_041_200, 1_080_700, 1_122_900, 1_127_800, 1_152_700,
    1_168_200, 1_165_300, 1_173_400, 1_163_100, 1_156_200, 1_160_400,
  ],
  CAD: [
    743_200, 740_100, 737_900, 733_400, 731_800, 730_200, 731_300, 733_400, 737_800, 728_900, 715_200,
    702_900, 695_100, 700_600, 697_300, 714_200, 720_800, 731_100, 731_900, 725_100, 721_800, 714_400,
    710_300, 712_100,
  ],
  INR: [
    12_030, 12_050, 12_040, 11_990, 11_990, 11_980, 11_960, 11_920, 11_930, 11_900, 11_850, 11_770, 11_590,
    11_490, 11_570, 11_650, 11_700, 11_640, 11_610, 11_430, 11_310, 11_300, 11_270, 11_100,
  ],
};

const LAST_INDEX =
  FIRST.year * 12 + FIRST.month - 1 + Math.min(...Object.values(MICRO_RATES).map((row) => row.length)) - 1;

/** The months every currency of the shipped table has a rate for, as `YYYY-MM`. */
export const SHIPPED_FX_MONTHS = {
  first: partitionLabel(FIRST.year, FIRST.month),
  last: partitionLabel(Math.floor(LAST_INDEX / 12), (LAST_INDEX % 12) + 1),
} as const;

/**
 * USD per 1 unit of `currency` in a UTC month, as an integer number of micro-dollars (rate × 1e6),
 * which is what the exact money arithmetic uses; undefined for a currency or month the table does
 * not hold (the ETL quarantines such an order as `fx_rate_missing`).
 */
export function fxMicroRateToUsd(currency: string, year: number, month: number): number | undefined {
  if (currency === 'USD') return 1_000_000;
  const row = MICRO_RATES[currency];
  if (!row) return undefined;
  return row[(year - FIRST.year) * 12 + (month - FIRST.month)];
}

/** USD per 1 unit of `currency` in a UTC month, 6 decimals (1 for USD); undefined without a rate. */
export function fxRateToUsd(currency: string, year: number, month: number): number | undefined {
  const micro = fxMicroRateToUsd(currency, year, month);
  return micro === undefined ? undefined : micro / 1_000_000;
}
