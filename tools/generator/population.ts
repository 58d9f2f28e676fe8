import { dayShares, daysInMonth, monthIndex, seasonOf } from './calendar.js';
import { hash32, hashUnit } from './random.js';

/**
 * The customer population of the simulated store, derived from (seed, orders per month) alone.
 *
 * The store opens in `STORE_OPENS`. Each month acquires a cohort of new customers, each placing
 * a first order that month. A cohort is split into behaviour tiers; a tier has a purchase rate
 * (orders per month while active, a Poisson process) and a monthly hazard of lapsing. Lifetimes
 * are stratified by position: member `i` of a tier of `n` is still active at age `k` months iff
 * `i < floor(n * (1 - hazard)^k)`, so each customer has one fixed lapse month and the active
 * members form a prefix. Lapsed members reactivate at a small rate. Customers older than
 * `MAX_AGE` months no longer buy.
 *
 * Cohort sizes come from a recurrence on expected values (new = target − expected returning
 * orders), not from realised orders, so any month can be generated without simulating the
 * ones before it: generating 2025-02 alone equals generating it after 2025-01.
 */

/** The first month the store trades; no month before it can be generated. */
export const STORE_OPENS = monthIndex(2024, 1);
/** Age in months after which a customer no longer buys. */
export const MAX_AGE = 48;
/** `CUST-NNNNNNN` holds this many customers. */
export const MAX_CUSTOMERS = 9_999_999;
/** Orders per month of a lapsed customer (reactivation). */
export const REACTIVATION_RATE = 0.012;

/** Behaviour tiers: share of a cohort, orders per active month, monthly lapse hazard. */
export const TIERS = [
  { share: 0.42, rate: 0.25, hazard: 0.5 },
  { share: 0.33, rate: 0.55, hazard: 0.2 },
  { share: 0.18, rate: 1.0, hazard: 0.07 },
  { share: 0.07, rate: 2.0, hazard: 0.025 },
] as const;

/** One month's newly acquired customers. */
export interface Cohort {
  month: number;
  size: number;
  /** Customer number of local index 0; the cohort owns numbers base .. base + size − 1. */
  base: number;
  /** Tier t owns stratified positions tierStart[t] .. tierStart[t+1] − 1. */
  tierStart: Int32Array;
  /** Position -> local index: (permA * position + permB) mod size, so ids don't reveal tiers. */
  permA: number;
  permB: number;
  /** Local indexes dayEnds[d-1] .. dayEnds[d] − 1 place their first order on day d (0-based). */
  dayEnds: Int32Array;
}

/** Expected orders in month `m` of one customer with Poisson `rate`, at most one order a day. */
function expectedOrders(rate: number, m: number): number {
  const season = seasonOf(m);
  let sum = 0;
  for (const share of dayShares(m)) sum += -Math.expm1(-rate * season * share);
  return sum;
}

/** Members of a tier of `n` still active at age `k`. */
export const activeCount = (n: number, tier: number, k: number): number =>
  Math.floor(n * (1 - (TIERS[tier] as (typeof TIERS)[number]).hazard) ** k);

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function makeCohort(month: number, size: number, base: number, seed: number): Cohort {
  const tierStart = new Int32Array(TIERS.length + 1);
  let share = 0;
  for (const [t, tier] of TIERS.entries()) {
    share += tier.share;
    tierStart[t + 1] = t === TIERS.length - 1 ? size : Math.round(size * share);
  }
  let permA = 1 + (hash32(seed, month, 1) % Math.max(1, size - 1));
  while (size > 1 && gcd(permA, size) !== 1) permA++;
  const dayEnds = new Int32Array(daysInMonth(month));
  let cumulativeShare = 0;
  for (const [d, dayShare] of dayShares(month).entries()) {
    cumulativeShare += dayShare;
    dayEnds[d] = d === dayEnds.length - 1 ? size : Math.round(size * cumulativeShare);
  }
  return { month, size, base, tierStart, permA, permB: size ? hash32(seed, month, 2) % size : 0, dayEnds };
}

/**
 * Cohorts from `STORE_OPENS` to `last` (inclusive), index 0 = `STORE_OPENS`. O(months × MAX_AGE)
 * arithmetic; no orders are simulated.
 */
export function buildCohorts(ordersPerMonth: number, seed: number, last: number): Cohort[] {
  const cohorts: Cohort[] = [];
  let base = 1;
  for (let m = STORE_OPENS; m <= last; m++) {
    const rates = TIERS.map((t) => expectedOrders(t.rate, m));
    const lapsedRate = expectedOrders(REACTIVATION_RATE, m);
    let returning = 0;
    for (let c = Math.max(STORE_OPENS, m - MAX_AGE); c < m; c++) {
      const cohort = cohorts[c - STORE_OPENS] as Cohort;
      for (let t = 0; t < TIERS.length; t++) {
        const n = (cohort.tierStart[t + 1] as number) - (cohort.tierStart[t] as number);
        const active = activeCount(n, t, m - c);
        returning += active * (rates[t] as number) + (n - active) * lapsedRate;
      }
    }
    const target = ordersPerMonth * seasonOf(m);
    const noise = 1 + 0.06 * (hashUnit(seed, m, 3) - 0.5);
    const size = Math.max(Math.round(0.05 * target), Math.round((target - returning) * noise));
    cohorts.push(makeCohort(m, size, base, seed));
    base += size;
  }
  return cohorts;
}
