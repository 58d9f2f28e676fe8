import { createHash } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { LAKE } from '../../contracts/lake-layout.js';
import { CURRENCIES } from '../../contracts/raw-order.js';
import { FX_RATES_VERSION, fxMicroRateToUsd } from './fx-rates.js';
import type { ObjectStore } from './object-store.js';

/**
 * The effective FX table of a run: the shipped monthly rates, extended and overridden by the
 * lake's `reference/fx_rates.csv` (`month,currency,rate_to_usd`, e.g. `2025-01,JPY,0.006410`).
 * Its `fingerprint` names exactly these rates: the local ETL re-processes sources when it changes.
 */
export class FxTable {
  constructor(
    /** Micro-USD per unit by `CUR YYYY-MM`, from the reference file. */
    private readonly overrides: ReadonlyMap<string, number>,
    readonly fingerprint: string,
  ) {}

  /** USD per unit × 1e6 for `currency` in a UTC month, or undefined when neither table has it. */
  microRate(currency: string, year: number, month: number): number | undefined {
    const own = this.overrides.get(`${currency} ${year}-${String(month).padStart(2, '0')}`);
    return own ?? fxMicroRateToUsd(currency, year, month);
  }
}

/** The shipped table alone (no reference file). */
export const SHIPPED_FX = new FxTable(new Map(), FX_RATES_VERSION);

/** A reference file the ETL cannot use: the run stops rather than convert with a wrong table. */
export class FxReferenceError extends Error {
  override readonly name = 'FxReferenceError';
  readonly code = 'fx_reference_invalid';
}

const HEADER = 'month,currency,rate_to_usd';
/**
 * The largest rate accepted, in micro-USD: 1,000,000 USD per unit (real rates are below 5). It
 * keeps the largest order the contract allows, in USD cents, exact (below 2^53) and within the
 * facts' decimal(18,2), so a typo fails here instead of storing a wrong total.
 */
const MAX_MICRO_RATE = 1_000_000 * 1_000_000;
const ROW = /^(\d{4})-(0[1-9]|1[0-2]),([A-Z]{3}),(\d+(?:\.\d{1,6})?)$/;

/** Parses the reference CSV into micro-rates by `CUR YYYY-MM`; throws `FxReferenceError` on a bad line. */
export function parseFxRates(csv: string): Map<string, number> {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.replace(/\s/g, '') !== HEADER)
    throw new FxReferenceError(`${LAKE.fxRates}: header must be ${HEADER}`);
  const rates = new Map<string, number>();
  const lineOf = new Map<string, number>();
  lines.slice(1).forEach((line, i) => {
    const m = ROW.exec(line.replace(/\s/g, ''));
    const where = `${LAKE.fxRates} line ${i + 2}`;
    if (!m) throw new FxReferenceError(`${where}: expected YYYY-MM,CUR,rate (up to 6 decimals): ${line}`);
    const [, year, month, currency, rate] = m as unknown as [string, string, string, string, string];
    if (!(CURRENCIES as readonly string[]).includes(currency))
      throw new FxReferenceError(`${where}: ${currency} is not an ISO 4217 currency`);
    const micro = Math.round(Number(rate) * 1_000_000);
    if (micro <= 0) throw new FxReferenceError(`${where}: the rate must be positive`);
    if (micro > MAX_MICRO_RATE)
      throw new FxReferenceError(
        `${where}: the rate must be at most ${MAX_MICRO_RATE / 1_000_000} USD per unit`,
      );
    const key = `${currency} ${year}-${month}`;
    const first = lineOf.get(key);
    if (first !== undefined)
      throw new FxReferenceError(`${where}: ${year}-${month},${currency} is already on line ${first}`);
    lineOf.set(key, i + 2);
    rates.set(key, micro);
  });
  return rates;
}

/** The effective FX table of `store`'s lake: shipped rates plus its reference file, if any. */
export async function loadFxTable(store: ObjectStore): Promise<FxTable> {
  if (!(await store.head(LAKE.fxRates))) return SHIPPED_FX;
  const rates = parseFxRates(await text(await store.get(LAKE.fxRates)));
  const canonical = [...rates].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  const digest = createHash('sha256').update(canonical.join('\n')).digest('hex').slice(0, 16);
  return new FxTable(rates, `${FX_RATES_VERSION}+ref-${digest}`);
}
