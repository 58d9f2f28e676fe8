import { OpsError } from '../../contracts/ops-error.js';
import { formatYearMonth, monthIndex, parseYearMonth } from './calendar.js';
import { buildCohorts, type Cohort, MAX_CUSTOMERS, STORE_OPENS } from './population.js';

/**
 * What defines a dataset. Every month's content is a function of (ordersPerMonth, seed, month)
 * only; `from` and `months` choose which months to write.
 */
export interface DatasetSpec {
  /** First month, `YYYY-MM`, not before the store opens (2024-01). */
  from: string;
  /** Number of consecutive months, at least 1. */
  months: number;
  /** Average orders per month over a year; seasonality makes single months differ. */
  ordersPerMonth: number;
  /** Any whole number from 0 to 2^53 − 1; equal seeds give byte-identical files. */
  seed: number;
}

/** `YYYY-MM` of the first month the simulated store trades: the earliest `--from`. */
export const STORE_OPENS_MONTH = formatYearMonth(STORE_OPENS);

/** Month index of the UTC month containing `ms`. */
const monthOfInstant = (ms: number): number => {
  const d = new Date(ms);
  return monthIndex(d.getUTCFullYear(), d.getUTCMonth() + 1);
};

const bad = (message: string, hint?: string): OpsError => new OpsError('BAD_OPTION', message, hint);
/** The demo dataset `ops generate` and `ops pipeline` (so `npm start`) write by default. */
export const DATASET_DEFAULTS = { from: '2025-01', months: 12, ordersPerMonth: 5000, seed: 42 } as const;

const isCount = (n: number, min: number): boolean => Number.isSafeInteger(n) && n >= min;

/**
 * Checks a spec and returns its month range as month indexes. Throws OpsError `BAD_OPTION`
 * naming the flag, before any file is touched.
 */
export function checkSpec(spec: DatasetSpec, now: number = Date.now()): { first: number; last: number } {
  const first = parseYearMonth(String(spec.from));
  if (first === undefined) throw bad(`--from must be a month as YYYY-MM, e.g. 2025-01 (got "${spec.from}")`);
  if (first < STORE_OPENS) {
    throw bad(`--from ${spec.from} is before the simulated store opened (${formatYearMonth(STORE_OPENS)})`);
  }
  if (!isCount(spec.months, 1))
    throw bad(`--months must be a whole number of at least 1 (got ${spec.months})`);
  if (!isCount(spec.ordersPerMonth, 1)) {
    throw bad(`--orders-per-month must be a whole number of at least 1 (got ${spec.ordersPerMonth})`);
  }
  if (!isCount(spec.seed, 0)) throw bad(`--seed must be a whole number from 0 to 2^53-1 (got ${spec.seed})`);
  const last = first + spec.months - 1;
  // Only complete months: the ETL quarantines orders dated in the future, so a month that has not
  // ended yet would lose part of its orders.
  const current = monthOfInstant(now);
  if (last >= current) {
    throw bad(
      `--from ${spec.from} --months ${spec.months} reaches ${formatYearMonth(last)}; the last month must have ended (before ${formatYearMonth(current)})`,
      'the ETL quarantines orders dated in the future; pick an earlier --from or fewer --months',
    );
  }
  return { first, last };
}

/**
 * The cohorts up to month `last`; throws OpsError `TOO_MANY_CUSTOMERS` when the population
 * would not fit the 7-digit customer ids.
 */
export function planCohorts(ordersPerMonth: number, seed: number, last: number): Cohort[] {
  const cohorts = buildCohorts(ordersPerMonth, seed, last);
  const end = cohorts.at(-1) as Cohort;
  const customers = end.base + end.size - 1;
  if (customers > MAX_CUSTOMERS) {
    throw new OpsError(
      'TOO_MANY_CUSTOMERS',
      `${ordersPerMonth} orders per month up to ${formatYearMonth(last)} needs ${customers} customers; CUST-NNNNNNN ids hold ${MAX_CUSTOMERS}`,
      'lower --orders-per-month or end the range earlier',
    );
  }
  return cohorts;
}
