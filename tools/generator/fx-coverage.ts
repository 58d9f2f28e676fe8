import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { SHIPPED_FX_MONTHS } from '../../lambda/core/fx-rates.js';
import { FxReferenceError, loadFxTable } from '../../lambda/core/fx-table.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { formatYearMonth, monthOf, yearOf } from './calendar.js';
import { CURRENCIES } from './markets.js';

/**
 * Refuses a range whose orders the ETL could not convert to USD: a month for which the lake's FX
 * table (the shipped monthly rates plus `reference/fx_rates.csv`) has no rate for one of the
 * generator's currencies. Every order in that currency would be quarantined as `fx_rate_missing`,
 * and the dashboard would quietly show the USD orders alone. Throws OpsError `NO_FX_RATES`
 * before any file is touched. A reference file the ETL cannot read is left to the ETL to report.
 */
export async function checkFxCoverage(lake: string, first: number, last: number): Promise<void> {
  const store = new LocalObjectStore(lake);
  const fx = await loadFxTable(store).catch((err: unknown) => {
    if (err instanceof FxReferenceError) return undefined;
    throw err;
  });
  if (!fx) return;
  const missing: string[] = [];
  for (let m = first; m <= last; m++) {
    const gaps = CURRENCIES.filter((c) => fx.microRate(c, yearOf(m), monthOf(m)) === undefined);
    if (gaps.length) missing.push(`${formatYearMonth(m)} (${gaps.join(', ')})`);
  }
  if (!missing.length) return;
  const shown = missing.length > 3 ? [...missing.slice(0, 2), '…', missing.at(-1)] : missing;
  throw new OpsError(
    'NO_FX_RATES',
    `no USD rate for ${shown.join(', ')} in the FX table: the ETL would quarantine those orders as fx_rate_missing`,
    `generate months the shipped rates cover (${SHIPPED_FX_MONTHS.first} to ${SHIPPED_FX_MONTHS.last}), or add their rates to ${store.pathOf(LAKE.fxRates)} (month,currency,rate_to_usd; rows like 2026-01,EUR,1.160400)`,
  );
}
