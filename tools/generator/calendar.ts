/**
 * Time in the simulated store: months as integer indexes, seasonality, weekday and holiday
 * weights of days, and the local hour-of-day profile. All UTC; local hours enter through each
 * customer's UTC offset (see customers.ts).
 */

/** Month index: months since year 0 (`year * 12 + month - 1`), so consecutive months differ by 1. */
export const monthIndex = (year: number, month: number): number => year * 12 + month - 1;
export const yearOf = (index: number): number => Math.floor(index / 12);
export const monthOf = (index: number): number => (index % 12) + 1;

/** `'2025-01'` -> month index, or undefined when it is not a real `YYYY-MM`. */
export function parseYearMonth(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? monthIndex(Number(m[1]), month) : undefined;
}

/** `'2025-01'` for a month index. */
export const formatYearMonth = (index: number): string =>
  `${yearOf(index)}-${String(monthOf(index)).padStart(2, '0')}`;

export const daysInMonth = (index: number): number =>
  new Date(Date.UTC(yearOf(index), monthOf(index), 0)).getUTCDate();

/** Days since 1970-01-01 of the first day of a month. */
export const firstDayOf = (index: number): number =>
  Date.UTC(yearOf(index), monthOf(index) - 1, 1) / 86_400_000;

/**
 * Demand multiplier by calendar month (mean 1 over a year): holiday peak in November and
 * December, a post-holiday January, a summer dip.
 */
const SEASON = [0.92, 0.86, 0.95, 0.94, 0.97, 0.9, 0.84, 0.87, 0.95, 1.0, 1.32, 1.48];
export const seasonOf = (index: number): number => SEASON[index % 12] as number;

/** Weekday weights, Sunday first: e-commerce peaks Sunday to Monday and dips on Friday night out. */
const WEEKDAY = [1.1, 1.12, 1.03, 1.0, 0.96, 0.87, 0.92];

/**
 * Each day's share of its month's demand (sums to 1): weekday pattern plus the holidays that
 * shape retail (Black Friday, Cyber Monday, Christmas, New Year's Day).
 */
export function dayShares(index: number): Float64Array {
  const days = daysInMonth(index);
  const first = firstDayOf(index);
  const month = monthOf(index);
  const weights = new Float64Array(days);
  // Black Friday: the day after the fourth Thursday of November.
  const firstThursday = 1 + ((4 - ((first + 4) % 7) + 7) % 7);
  const blackFriday = firstThursday + 22;
  let total = 0;
  for (let d = 1; d <= days; d++) {
    let w = WEEKDAY[(first + d - 1 + 4) % 7] as number;
    if (month === 11 && d === blackFriday) w *= 2.4;
    if (month === 11 && (d === blackFriday + 1 || d === blackFriday + 2)) w *= 1.4;
    if (month === 11 && d === blackFriday + 3) w *= 1.9; // Cyber Monday
    if (month === 12 && d <= 18) w *= 1.15;
    if (month === 12 && d === 24) w *= 0.6;
    if (month === 12 && d === 25) w *= 0.35;
    if (month === 12 && d === 26) w *= 1.3;
    if (month === 1 && d === 1) w *= 0.55;
    weights[d - 1] = w;
    total += w;
  }
  for (let d = 0; d < days; d++) weights[d] = (weights[d] as number) / total;
  return weights;
}

/** Local hour-of-day weights: quiet nights, a lunchtime rise, an evening peak at 19–21 h. */
export const LOCAL_HOUR_WEIGHTS = [
  0.9, 0.55, 0.33, 0.22, 0.18, 0.24, 0.45, 0.8, 1.2, 1.5, 1.7, 1.8, 2.0, 1.9, 1.75, 1.7, 1.75, 1.9, 2.2, 2.5,
  2.6, 2.4, 1.9, 1.4,
];

/**
 * Calendar date of a day number (days since 1970-01-01) packed as YYYYMMDD in one integer, so
 * writers need no Date and no allocation (Howard Hinnant's civil_from_days).
 */
export function civil(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function isoDate(day: number): string {
  const packed = String(civil(day));
  return `${packed.slice(0, 4)}-${packed.slice(4, 6)}-${packed.slice(6, 8)}`;
}
