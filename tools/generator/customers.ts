import { firstDayOf } from './calendar.js';
import { COUNTRIES, COUNTRY_CURRENCY, CURRENCIES } from './markets.js';
import type { Cohort } from './population.js';
import { cumulative, fmix32, hash32 } from './random.js';

/**
 * A customer's fixed traits, a pure function of (seed, customer number): the same customer
 * looks the same in every month and every run. Identities are synthetic: a number, no name.
 * Traits are indexes into the contract's enum lists so an order can be built and written
 * without allocating; one `Customer` is reused for every order.
 */
export interface Customer {
  number: number;
  /** Index into COUNTRIES. */
  country: number;
  /** Index into CURRENCIES (the country's currency) and into Product.priceCents. */
  currency: number;
  /** Index into SEGMENTS. */
  segment: number;
  /** Seconds to add to UTC to get the customer's local time (no DST). */
  utcOffset: number;
  /** Preferred channel, index into SALES_CHANNELS. */
  channel: number;
  /** Preferred payment method, index into PAYMENT_METHODS. */
  payment: number;
  /** Signup date as days since 1970-01-01. */
  signupDay: number;
}

export const newCustomer = (): Customer => ({
  number: 0,
  country: 0,
  currency: 0,
  segment: 0,
  utcOffset: 0,
  channel: 0,
  payment: 0,
  signupDay: 0,
});

const CURRENCY_OF = COUNTRIES.map((c) => CURRENCIES.indexOf(COUNTRY_CURRENCY[c]));
const COUNTRY_MIX = cumulative([0.38, 0.16, 0.12, 0.09, 0.1, 0.15]); // US UK DE FR CA IN
const SEGMENT_MIX = cumulative([0.8, 0.14, 0.06]);
const CHANNEL_MIX = cumulative([0.55, 0.32, 0.13]);
/** Payment preference by country (COUNTRIES order): credit, debit, PayPal, wallet, gift card. */
const PAYMENT_MIX = [
  [0.5, 0.2, 0.15, 0.13, 0.02],
  [0.35, 0.35, 0.15, 0.13, 0.02],
  [0.2, 0.3, 0.38, 0.1, 0.02],
  [0.45, 0.25, 0.15, 0.13, 0.02],
  [0.52, 0.2, 0.13, 0.13, 0.02],
  [0.25, 0.2, 0.1, 0.43, 0.02],
].map(cumulative);
/** UTC offsets in hours by country (COUNTRIES order) and their shares of its customers. */
const TIME_ZONES = [
  { hours: [-5, -6, -7, -8], mix: cumulative([0.47, 0.29, 0.07, 0.17]) },
  { hours: [0], mix: cumulative([1]) },
  { hours: [1], mix: cumulative([1]) },
  { hours: [1], mix: cumulative([1]) },
  { hours: [-5, -7, -8], mix: cumulative([0.62, 0.18, 0.2]) },
  { hours: [5.5], mix: cumulative([1]) },
];

const pick = (table: Float64Array, h: number): number => {
  const x = (h / 0x1_0000_0000) * (table[table.length - 1] as number);
  let i = 0;
  while ((table[i] as number) <= x) i++;
  return i;
};
/** A further independent 32-bit value from one hash (cheaper than hashing the inputs again). */
const derive = (h: number, salt: number): number => fmix32(h + Math.imul(salt, 0x9e3779b9));

function offsetOf(h1: number, country: number): number {
  const zone = TIME_ZONES[country] as (typeof TIME_ZONES)[number];
  return (zone.hours[pick(zone.mix, derive(h1, 2))] as number) * 3600;
}

/** The customer's UTC offset in seconds: needed per buyer to place a local hour in UTC. */
export function utcOffsetOf(seed: number, number: number): number {
  const h1 = hash32(seed, number, 11);
  return offsetOf(h1, pick(COUNTRY_MIX, h1));
}

/** The cohort owning a customer number (cohorts sorted by `base`). */
function cohortOf(cohorts: readonly Cohort[], number: number): Cohort {
  let lo = 0;
  let hi = cohorts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((cohorts[mid] as Cohort).base <= number) lo = mid;
    else hi = mid - 1;
  }
  return cohorts[lo] as Cohort;
}

/** Day (0-based) of the cohort's month on which local index `j` places its first order. */
function firstOrderDay(cohort: Cohort, j: number): number {
  let d = 0;
  while ((cohort.dayEnds[d] as number) <= j) d++;
  return d;
}

/** Fills `out` with the traits of customer `number`; `cohorts` must include its cohort. */
export function fillCustomer(out: Customer, seed: number, cohorts: readonly Cohort[], number: number): void {
  const h1 = hash32(seed, number, 11);
  const h2 = derive(h1, 12);
  const country = pick(COUNTRY_MIX, h1);
  const cohort = cohortOf(cohorts, number);
  // Half sign up at their first order; the rest registered earlier (newsletter, store card).
  const early = (h2 & 0xffff) / 0x10000;
  const signupLag = early < 0.5 ? 0 : Math.min(700, Math.floor(-Math.log(1 - (early - 0.5) * 2) * 90));
  out.number = number;
  out.country = country;
  out.currency = CURRENCY_OF[country] as number;
  out.segment = pick(SEGMENT_MIX, derive(h1, 1));
  out.utcOffset = offsetOf(h1, country);
  out.channel = pick(CHANNEL_MIX, derive(h2, 3));
  out.payment = pick(PAYMENT_MIX[country] as Float64Array, derive(h2, 4));
  out.signupDay = firstDayOf(cohort.month) + firstOrderDay(cohort, number - cohort.base) - signupLag;
}
