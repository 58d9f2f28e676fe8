import { roundRatio } from './ratio.js';
import type { Outputs } from './read-outputs.js';

/**
 * What the chart script needs, shaped in Node from the export rows and embedded in the page as
 * JSON: every monthly series is aligned on `months` (the months of monthly_revenue.csv), with
 * `null` where a file has no value for a month. Money in USD, rates as fractions.
 */
export interface ChartData {
  months: string[];
  revenue: number[];
  orders: number[];
  aov: (number | null)[];
  /** The previous calendar month's revenue, null when that month was not observed. */
  prevRevenue: (number | null)[];
  mom: (number | null)[];
  cumulative: (number | null)[];
  categories: {
    name: string;
    revenue: (number | null)[];
    totalRevenue: number;
    units: number;
    orders: number;
  }[];
  /** Cohort heatmap: one row per cohort month, `rates[k]` for k = 0..6, null where not observed. */
  cohorts: { month: string; size: number; rates: (number | null)[]; active: (number | null)[] }[];
  churnRate: (number | null)[];
  churned: (number | null)[];
  active: (number | null)[];
  newCustomers: (number | null)[];
  returning: (number | null)[];
  geo: GeoRow[];
  /** monthly_sales_by_filter.csv: the figures of every filter cell, for the chart script's filters. */
  slices: SliceRow[];
  /** The values each filter offers, from the exports. */
  options: { country: string[]; channel: string[]; segment: string[]; category: string[] };
}

/** One month and filter cell (country × channel × segment, each a value or 'all'). */
export interface SliceRow {
  month: string;
  country: string;
  channel: string;
  segment: string;
  revenue: number;
  orders: number;
  active: number;
  newCustomers: number;
  churned: number | null;
}

/** One country: revenue, orders and AOV over the whole period; customers and repeat rate in the latest month. */
export interface GeoRow {
  country: string;
  revenue: number;
  orders: number;
  aov: number;
  active: number | null;
  repeatRate: number | null;
}

/** Months since cohort shown in the heatmap (the `cohort_retention_first_6_months` contract). */
export const RETENTION_MONTHS = 7;

/** Sums money exactly: through integer cents, back to dollars with two decimals. */
export const sumUsd = (values: number[]): number => values.reduce((s, v) => s + Math.round(v * 100), 0) / 100;

const byMonth = <R extends { month: string }, V>(rows: R[], months: string[], pick: (r: R) => V) => {
  const index = new Map(rows.map((r) => [r.month, r]));
  return months.map((m) => {
    const row = index.get(m);
    return row ? pick(row) : null;
  });
};

function categories(rows: Outputs['category_sales_monthly.csv'], months: string[]): ChartData['categories'] {
  const names = [...new Set(rows.map((r) => r.category))];
  const result = names.map((name) => {
    const own = rows.filter((r) => r.category === name);
    return {
      name,
      revenue: byMonth(own, months, (r) => r.revenue_usd),
      totalRevenue: sumUsd(own.map((r) => r.revenue_usd)),
      units: own.reduce((s, r) => s + r.units, 0),
      orders: own.reduce((s, r) => s + r.orders, 0),
    };
  });
  return result.sort((a, b) => b.totalRevenue - a.totalRevenue);
}

function cohorts(rows: Outputs['cohort_retention_first_6_months.csv']): ChartData['cohorts'] {
  const months = [...new Set(rows.map((r) => r.cohort_month))].sort();
  return months.map((month) => {
    const own = rows.filter((r) => r.cohort_month === month);
    const at = (k: number) => own.find((r) => r.months_since_cohort === k) ?? null;
    const ks = Array.from({ length: RETENTION_MONTHS }, (_, k) => at(k));
    return {
      month,
      size: own[0]?.cohort_size ?? 0,
      rates: ks.map((r) => r?.retention_rate ?? null),
      active: ks.map((r) => r?.active_customers ?? null),
    };
  });
}

function geography(rows: Outputs['geo_engagement.csv'], latest: string): GeoRow[] {
  const countries = [...new Set(rows.map((r) => r.country))];
  return countries
    .map((country) => {
      const own = rows.filter((r) => r.country === country);
      const revenue = sumUsd(own.map((r) => r.revenue_usd));
      const orders = own.reduce((s, r) => s + r.orders, 0);
      const last = own.find((r) => r.month === latest);
      return {
        country,
        revenue,
        orders,
        // exact half away from zero, as the marts round (a double would round 20.15 / 2 down)
        aov: orders ? roundRatio(revenue, orders, 2) : 0,
        active: last?.active_customers ?? null,
        repeatRate: last?.repeat_rate ?? null,
      };
    })
    .sort((a, b) => b.revenue - a.revenue);
}

const values = (xs: string[]): string[] => [...new Set(xs)].filter((v) => v !== 'all').sort();

/** Shapes the export rows into the aligned series the charts draw. */
export function buildChartData(o: Outputs): ChartData {
  const monthly = o['monthly_revenue.csv'];
  const months = monthly.map((r) => r.month);
  const mom = o['revenue_mom.csv'];
  const churn = o['monthly_churn.csv'];
  const customers = o['monthly_active_customers.csv'];
  const slices = o['monthly_sales_by_filter.csv'];
  return {
    months,
    revenue: monthly.map((r) => r.revenue_usd),
    orders: monthly.map((r) => r.orders),
    aov: monthly.map((r) => r.aov_usd),
    prevRevenue: byMonth(mom, months, (r) => r.prev_revenue_usd),
    mom: byMonth(mom, months, (r) => r.mom_growth),
    cumulative: byMonth(mom, months, (r) => r.cumulative_revenue_usd),
    categories: categories(o['category_sales_monthly.csv'], months),
    cohorts: cohorts(o['cohort_retention_first_6_months.csv']),
    churnRate: byMonth(churn, months, (r) => r.churn_rate),
    churned: byMonth(churn, months, (r) => r.churned_customers),
    active: byMonth(customers, months, (r) => r.active_customers),
    newCustomers: byMonth(customers, months, (r) => r.new_customers),
    returning: byMonth(customers, months, (r) => r.returning_customers),
    geo: geography(o['geo_engagement.csv'], months.at(-1) ?? ''),
    slices: slices.map((r) => ({
      month: r.month,
      country: r.country,
      channel: r.sales_channel,
      segment: r.customer_segment,
      revenue: r.revenue_usd,
      orders: r.orders,
      active: r.active_customers,
      newCustomers: r.new_customers,
      churned: r.churned_customers,
    })),
    options: {
      country: values(slices.map((r) => r.country)),
      channel: values(slices.map((r) => r.sales_channel)),
      segment: values(slices.map((r) => r.customer_segment)),
      category: values(o['category_sales_monthly.csv'].map((r) => r.category)),
    },
  };
}
