import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';

/**
 * Four months of chosen numbers for a small store (two countries, three categories), from which
 * the fixture CSVs are derived the way the export contract (contracts/csv-exports.ts) says:
 * header row, months as YYYY-MM-01, money with two decimals, rates as fractions with six
 * decimals, an empty field for an undefined value. Expected KPI values are computed from these
 * arrays in the tests, independently of the dashboard code.
 */
export const MONTHS = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01'];
export const REVENUE = [120000.5, 138000.25, 131100.0, 150765.4];
export const ORDERS = [400, 450, 437, 480];
export const UNITS = [900, 1010, 980, 1100];
export const ACTIVE = [350, 390, 380, 410];
export const NEW = [350, 150, 100, 110];
export const CHURNED = [110, 120, 80];
/** Records of the first month's file that were quarantined (all invalid JSON). */
export const QUARANTINED = 3;
/** Cohort sizes are the months' new customers; active[k] for the months observed. */
export const COHORT_ACTIVE = [[350, 240, 200, 190], [150, 120, 110], [100, 70], [110]];
/** Category share of each month's revenue (item line totals leave out shipping and tax). */
export const CATEGORIES = { electronics: 0.5, home: 0.3, apparel: 0.12 } as const;
/** Country share of revenue, orders and active customers; repeat rate per month. */
export const COUNTRIES = {
  US: { share: 0.6, repeat: [0, 0.5, 0.62, 0.66] },
  UK: { share: 0.4, repeat: [0, 0.48, 0.6, 0.7] },
};

const money = (v: number) => v.toFixed(2);
const rate = (v: number) => String(Number(v.toFixed(6)));
const round2 = (v: number) => Math.round(v * 100) / 100;

function rowsByFile(): Record<string, (string | number)[][]> {
  const cumulative = REVENUE.map(
    (_, i) => REVENUE.slice(0, i + 1).reduce((s, v) => s + Math.round(v * 100), 0) / 100,
  );
  return {
    'monthly_revenue.csv': MONTHS.map((m, i) => [
      m,
      money(REVENUE[i]!),
      ORDERS[i]!,
      money(REVENUE[i]! / ORDERS[i]!),
      UNITS[i]!,
      ACTIVE[i]!,
    ]),
    'revenue_mom.csv': MONTHS.map((m, i) => {
      const prev = REVENUE[i - 1];
      return [
        m,
        money(REVENUE[i]!),
        prev === undefined ? '' : money(prev),
        prev === undefined ? '' : rate((REVENUE[i]! - prev) / prev),
        money(cumulative[i]!),
      ];
    }),
    'category_sales_monthly.csv': MONTHS.flatMap((m, i) =>
      Object.entries(CATEGORIES)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([c, share]) => [
          m,
          c,
          money(REVENUE[i]! * share),
          Math.round(UNITS[i]! * share),
          Math.round(ORDERS[i]! * share * 1.4),
        ]),
    ),
    'monthly_active_customers.csv': MONTHS.map((m, i) => [m, ACTIVE[i]!, NEW[i]!, ACTIVE[i]! - NEW[i]!]),
    // every order loaded from its month's file; January's also had QUARANTINED bad records
    'data_quality.csv': MONTHS.flatMap((m, i) => {
      const file = `raw/store_sales/orders_${m.slice(0, 4)}_${m.slice(5, 7)}.json`;
      const bad = i === 0 ? QUARANTINED : 0;
      const total = [m, file, 'all', ORDERS[i]! + bad, ORDERS[i]!, bad, `${m.slice(0, 8)}28`];
      return bad ? [total, [m, file, 'invalid_json', '', '', bad, '']] : [total];
    }),
    'cohort_retention_first_6_months.csv': COHORT_ACTIVE.flatMap((ks, c) =>
      ks.map((active, k) => [MONTHS[c]!, k, ks[0]!, active, rate(active / ks[0]!)]),
    ),
    'monthly_churn.csv': MONTHS.map((m, i) => {
      const churned = CHURNED[i];
      return [m, ACTIVE[i]!, churned ?? '', churned === undefined ? '' : rate(churned / ACTIVE[i]!)];
    }),
    'geo_engagement.csv': MONTHS.flatMap((m, i) =>
      Object.entries(COUNTRIES)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([country, g]) => {
          const revenue = round2(REVENUE[i]! * g.share);
          const orders = Math.round(ORDERS[i]! * g.share);
          return [
            m,
            country,
            Math.round(ACTIVE[i]! * g.share),
            orders,
            money(revenue),
            money(revenue / orders),
            rate(g.repeat[i]!),
          ];
        }),
    ),
    // the filter cube: the whole store, then each country's share (channel and segment at 'all')
    'monthly_sales_by_filter.csv': MONTHS.flatMap((m, i) => [
      ...Object.entries(COUNTRIES)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([country, g]) => [
          m,
          country,
          'all',
          'all',
          money(round2(REVENUE[i]! * g.share)),
          Math.round(ORDERS[i]! * g.share),
          Math.round(ACTIVE[i]! * g.share),
          Math.round(NEW[i]! * g.share),
          CHURNED[i] === undefined ? '' : Math.round(CHURNED[i]! * g.share),
        ]),
      [m, 'all', 'all', 'all', money(REVENUE[i]!), ORDERS[i]!, ACTIVE[i]!, NEW[i]!, CHURNED[i] ?? ''],
    ]),
  };
}

/** Writes every export file into `dir` (created), exactly as `ops export-outputs` lays them out. */
export async function writeFixtureOutputs(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const rows = rowsByFile();
  for (const spec of CSV_EXPORTS) {
    const body = rows[spec.file]!;
    if (body.some((r) => r.length !== spec.columns.length))
      throw new Error(`fixture ${spec.file} does not match its columns`);
    await writeFile(
      path.join(dir, spec.file),
      stringify([[...spec.columns], ...body], { record_delimiter: '\n' }),
    );
  }
}

/** Expected tile values, computed from the fixture's chosen numbers (cents for money). */
export function expectedKpis() {
  const revenueCents = REVENUE.reduce((s, v) => s + Math.round(v * 100), 0);
  const orders = ORDERS.reduce((s, v) => s + v, 0);
  const last = REVENUE.length - 1;
  return {
    revenue: revenueCents / 100,
    orders,
    aov: Math.round(revenueCents / orders) / 100,
    active_customers: ACTIVE[last]!,
    mom_growth: Number(((REVENUE[last]! - REVENUE[last - 1]!) / REVENUE[last - 1]!).toFixed(6)),
    churn: Number((CHURNED[last - 1]! / ACTIVE[last - 1]!).toFixed(6)),
  };
}
