import { abs, type OracleOrder, roundDiv } from './oracle-orders.js';

export {
  type FxRateToUsd,
  type OracleOrder,
  oracleOrdersFromLake,
  readValidRawOrders,
  toOracleOrders,
} from './oracle-orders.js';

/**
 * The independent calculation of every analytics export, straight from the raw JSON files
 * (never from the Parquet, never through SQL), for tests of the SQL views and the dbt marts.
 * Money is integer cents (BigInt); every ratio is ROUND(exact value, scale) half away from
 * zero, like ROUND on a DECIMAL. Each `*Rows` function returns the rows of one CSV of
 * `contracts/csv-exports.ts`: fields in its column order and format, rows in its order,
 * NULL as ''.
 */

type Row = string[];

/** An integer count of 10^-scale units as a plain decimal: fixed(-5n, 2) = '-0.05'. */
const fixed = (units: bigint, scale: number): string => {
  const digits = abs(units)
    .toString()
    .padStart(scale + 1, '0');
  const sign = units < 0n ? '-' : '';
  return scale ? `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}` : `${sign}${digits}`;
};
const ratio = (n: bigint, d: bigint, scale: number): string =>
  fixed(roundDiv(n * 10n ** BigInt(scale), d), scale);
const money = (cents: bigint): string => fixed(cents, 2);
const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const addMonths = (month: string, k: number): string => {
  const i = monthIndex(month) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
};
const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

/** Months holding at least one valid order, ascending. */
const observedMonths = (orders: OracleOrder[]): string[] => [...new Set(orders.map((o) => o.month))].sort();

/** Completed orders grouped by a key, keys ascending. */
function groupCompleted(orders: OracleOrder[], key: (o: OracleOrder) => string): [string, OracleOrder[]][] {
  const groups = new Map<string, OracleOrder[]>();
  for (const o of orders.filter((x) => x.completed)) {
    const group = groups.get(key(o));
    if (group) group.push(o);
    else groups.set(key(o), [o]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Per customer with a completed order, their cohort: the month of their first completed order if
 * they signed up inside the data window (signup date on or after the first observed month), else
 * null (they may have ordered before the window: never new, no cohort). The signup date is the
 * earliest one any of their valid orders carries.
 */
function cohorts(orders: OracleOrder[]): Map<string, string | null> {
  const windowStart = observedMonths(orders)[0] ?? '';
  const signup = new Map<string, string>();
  for (const o of orders) {
    const seen = signup.get(o.customerId);
    if (!seen || o.signupDate < seen) signup.set(o.customerId, o.signupDate);
  }
  const first = new Map<string, string>();
  for (const o of orders.filter((x) => x.completed)) {
    const seen = first.get(o.customerId);
    if (!seen || o.month < seen) first.set(o.customerId, o.month);
  }
  return new Map([...first].map(([c, month]) => [c, (signup.get(c) ?? '') >= windowStart ? month : null]));
}

/** Per month, the customers with a completed order in it. */
function activeByMonth(orders: OracleOrder[]): Map<string, Set<string>> {
  const active = new Map<string, Set<string>>();
  for (const o of orders.filter((x) => x.completed)) {
    active.set(o.month, (active.get(o.month) ?? new Set()).add(o.customerId));
  }
  return active;
}

/** monthly_revenue.csv: month, revenue_usd, orders, aov_usd, units, active_customers. */
export function monthlyRevenueRows(orders: OracleOrder[]): Row[] {
  const byMonth = new Map(groupCompleted(orders, (o) => o.month));
  return observedMonths(orders).map((month) => {
    const done = byMonth.get(month) ?? [];
    const revenue = sum(done.map((o) => o.usdCents));
    const n = BigInt(done.length);
    const units = done.reduce((u, o) => u + o.units, 0);
    const customers = new Set(done.map((o) => o.customerId)).size;
    return [
      month,
      money(revenue),
      String(n),
      n ? money(roundDiv(revenue, n)) : '',
      String(units),
      String(customers),
    ];
  });
}

/** revenue_mom.csv: month, revenue_usd, prev_revenue_usd, mom_growth, cumulative_revenue_usd. */
export function revenueMomRows(orders: OracleOrder[]): Row[] {
  const revenue = new Map(
    monthlyRevenueRows(orders).map((r) => [r[0] as string, BigInt((r[1] as string).replace('.', ''))]),
  );
  let cumulative = 0n;
  return [...revenue.entries()].map(([month, cents]) => {
    cumulative += cents;
    const prev = revenue.get(addMonths(month, -1));
    const growth = prev ? ratio(cents - prev, prev, 6) : '';
    return [month, money(cents), prev === undefined ? '' : money(prev), growth, money(cumulative)];
  });
}

/** category_sales_monthly.csv: month, category, revenue_usd, units, orders. */
export function categorySalesMonthlyRows(orders: OracleOrder[]): Row[] {
  const cells = new Map<string, { cents: bigint; units: number; orders: Set<string> }>();
  for (const o of orders.filter((x) => x.completed)) {
    for (const line of o.lines) {
      const key = `${o.month},${line.category}`;
      const cell = cells.get(key) ?? { cents: 0n, units: 0, orders: new Set<string>() };
      cell.cents += line.usdCents;
      cell.units += line.quantity;
      cell.orders.add(o.orderId);
      cells.set(key, cell);
    }
  }
  return [...cells.keys()].sort().map((key) => {
    const c = cells.get(key)!;
    return [...key.split(','), money(c.cents), String(c.units), String(c.orders.size)];
  });
}

/** monthly_active_customers.csv: month, active_customers, new_customers, returning_customers. */
export function monthlyActiveCustomersRows(orders: OracleOrder[]): Row[] {
  const first = cohorts(orders);
  const active = activeByMonth(orders);
  return observedMonths(orders).map((month) => {
    const customers = [...(active.get(month) ?? [])];
    const fresh = customers.filter((c) => first.get(c) === month).length;
    return [month, String(customers.length), String(fresh), String(customers.length - fresh)];
  });
}

/** cohort_retention_first_6_months.csv: cohort_month, months_since_cohort (0..6, observed months
 * only), cohort_size, active_customers, retention_rate. */
export function cohortRetentionRows(orders: OracleOrder[]): Row[] {
  const first = cohorts(orders);
  const active = activeByMonth(orders);
  const observed = new Set(observedMonths(orders));
  const rows: Row[] = [];
  const cohortMonths = [...new Set(first.values())].filter((m): m is string => m !== null);
  for (const cohort of cohortMonths.sort()) {
    const members = [...first.entries()].filter(([, m]) => m === cohort).map(([c]) => c);
    for (let k = 0; k <= 6; k += 1) {
      const month = addMonths(cohort, k);
      if (!observed.has(month)) continue;
      const retained = members.filter((c) => active.get(month)?.has(c)).length;
      const size = members.length;
      rows.push([
        cohort,
        String(k),
        String(size),
        String(retained),
        ratio(BigInt(retained), BigInt(size), 6),
      ]);
    }
  }
  return rows;
}

/** monthly_churn.csv: month, active_customers, churned_customers, churn_rate; both churn
 * fields empty where the next month was not observed. */
export function monthlyChurnRows(orders: OracleOrder[]): Row[] {
  const active = activeByMonth(orders);
  const observed = observedMonths(orders);
  return observed.map((month) => {
    const now = [...(active.get(month) ?? [])];
    const next = addMonths(month, 1);
    if (!observed.includes(next)) return [month, String(now.length), '', ''];
    const churned = now.filter((c) => !active.get(next)?.has(c)).length;
    const rate = now.length ? ratio(BigInt(churned), BigInt(now.length), 6) : '';
    return [month, String(now.length), String(churned), rate];
  });
}

/** geo_engagement.csv: month, country, active_customers, orders, revenue_usd, aov_usd, repeat_rate. */
export function geoEngagementRows(orders: OracleOrder[]): Row[] {
  const first = cohorts(orders);
  return groupCompleted(orders, (o) => `${o.month},${o.country}`).map(([key, done]) => {
    const [month = '', country = ''] = key.split(',');
    const customers = [...new Set(done.map((o) => o.customerId))];
    // not new: an earlier cohort, or no cohort (signed up before the window)
    const repeat = customers.filter((c) => first.get(c) !== month).length;
    const revenue = sum(done.map((o) => o.usdCents));
    const n = BigInt(done.length);
    const size = BigInt(customers.length);
    return [
      month,
      country,
      String(size),
      String(n),
      money(revenue),
      money(roundDiv(revenue, n)),
      ratio(BigInt(repeat), size, 6),
    ];
  });
}

/**
 * monthly_sales_by_filter.csv: month, country, sales_channel, customer_segment, revenue_usd,
 * orders, active_customers, new_customers, churned_customers. One row per month and cell with
 * completed orders; a cell fixes each of country, channel and segment to a value or 'all'.
 */
export function monthlySalesByFilterRows(orders: OracleOrder[]): Row[] {
  const first = cohorts(orders);
  const observed = new Set(observedMonths(orders));
  const cells = new Map<string, { cents: bigint; orders: number; customers: Set<string> }>();
  for (const o of orders.filter((x) => x.completed)) {
    for (const country of [o.country, 'all'])
      for (const channel of [o.channel, 'all'])
        for (const segment of [o.segment, 'all']) {
          const key = [o.month, country, channel, segment].join(',');
          const cell = cells.get(key) ?? { cents: 0n, orders: 0, customers: new Set<string>() };
          cell.cents += o.usdCents;
          cell.orders += 1;
          cell.customers.add(o.customerId);
          cells.set(key, cell);
        }
  }
  return [...cells.keys()].sort().map((key) => {
    const [month = '', ...dims] = key.split(',');
    const c = cells.get(key)!;
    const next = addMonths(month, 1);
    const nextCustomers = cells.get([next, ...dims].join(','))?.customers;
    const fresh = [...c.customers].filter((id) => first.get(id) === month).length;
    const churned = observed.has(next)
      ? String([...c.customers].filter((id) => !nextCustomers?.has(id)).length)
      : '';
    return [key, money(c.cents), String(c.orders), String(c.customers.size), String(fresh), churned]
      .join(',')
      .split(',');
  });
}

/**
 * data_quality.csv for orders that all loaded (the oracle reads valid orders only, so nothing is
 * quarantined): per source file read = loaded = its orders, quarantined 0, its newest order date;
 * month from the file name's `YYYY_MM`. Quarantine counts are pinned on planted bad records in
 * test/dashboards/dashboard-pipeline.test.ts.
 */
export function dataQualityRows(orders: OracleOrder[]): Row[] {
  const files = new Map<string, { n: number; latest: string }>();
  for (const o of orders) {
    const f = files.get(o.sourceFile) ?? { n: 0, latest: '' };
    f.n += 1;
    if (o.date > f.latest) f.latest = o.date;
    files.set(o.sourceFile, f);
  }
  const month = (file: string): string => {
    const m = /([0-9]{4})_(0[1-9]|1[0-2])\.[A-Za-z]+$/.exec(file);
    return m ? `${m[1]}-${m[2]}-01` : '';
  };
  return [...files]
    .map(([file, f]) => [month(file), file, 'all', String(f.n), String(f.n), '0', f.latest])
    .sort((a, b) => (a[0] === b[0] ? (a[1]! < b[1]! ? -1 : 1) : a[0]! < b[0]! ? -1 : 1));
}

/** Every export file's expected rows, keyed by file name. */
export const ORACLE_ROWS = {
  'monthly_revenue.csv': monthlyRevenueRows,
  'revenue_mom.csv': revenueMomRows,
  'category_sales_monthly.csv': categorySalesMonthlyRows,
  'monthly_active_customers.csv': monthlyActiveCustomersRows,
  'cohort_retention_first_6_months.csv': cohortRetentionRows,
  'monthly_churn.csv': monthlyChurnRows,
  'geo_engagement.csv': geoEngagementRows,
  'monthly_sales_by_filter.csv': monthlySalesByFilterRows,
  'data_quality.csv': dataQualityRows,
} as const;
