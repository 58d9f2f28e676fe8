import { type ChartData, sumUsd } from './chart-data.js';
import type { DefinitionId } from './definitions.js';
import {
  fmtGrowth,
  fmtGrowthExact,
  fmtInt,
  fmtMaybe,
  fmtMonth,
  fmtPct,
  fmtPctExact,
  fmtUsd,
  fmtUsdCompact,
} from './format.js';
import type { Outputs } from './read-outputs.js';

/**
 * One executive tile. `value` is the raw number (USD, a count or a fraction; null when the
 * data has no such figure yet) that the page also carries in `data-value`, so a test can hold it
 * against the CSVs; `scope` says which months it covers.
 */
export interface Kpi {
  id: 'revenue' | 'orders' | 'aov' | 'active_customers' | 'mom_growth' | 'churn';
  label: string;
  value: number | null;
  headline: string;
  exact: string;
  scope: string;
  detail: string;
  definition: DefinitionId;
  /** Colours the headline: MoM growth green when up, red when down; the others stay neutral. */
  tone: 'neutral' | 'good' | 'bad';
}

const range = (months: string[]) => `${fmtMonth(months[0] ?? '')} – ${fmtMonth(months.at(-1) ?? '')}`;

/**
 * The six tiles. Revenue, orders and AOV cover the whole period (with the latest month as detail);
 * active customers is the latest month; MoM growth is the latest month's; churn is the last month
 * that has a churn figure (the month before the latest, whose next month has been observed).
 */
export function buildKpis(o: Outputs, d: ChartData): Kpi[] {
  const monthly = o['monthly_revenue.csv'];
  const last = monthly.at(-1)!;
  const period = range(d.months);
  const latest = fmtMonth(last.month);
  const revenue = sumUsd(monthly.map((r) => r.revenue_usd));
  const orders = monthly.reduce((s, r) => s + r.orders, 0);
  const aov = orders ? Math.round((revenue / orders) * 100) / 100 : 0;
  const customers = o['monthly_active_customers.csv'].at(-1)!;
  const momRows = o['revenue_mom.csv'];
  const mom = momRows.at(-1)!;
  const churn = o['monthly_churn.csv'].filter((r) => r.churn_rate !== null).at(-1);
  const churnNext = churn && d.months[d.months.indexOf(churn.month) + 1];
  return [
    {
      id: 'revenue',
      label: 'Revenue',
      value: revenue,
      headline: fmtUsdCompact(revenue),
      exact: fmtUsd(revenue),
      scope: period,
      detail: `${latest}: ${fmtUsd(last.revenue_usd)}`,
      definition: 'revenue',
      tone: 'neutral',
    },
    {
      id: 'orders',
      label: 'Orders',
      value: orders,
      headline: fmtInt(orders),
      exact: fmtInt(orders),
      scope: period,
      detail: `${latest}: ${fmtInt(last.orders)}`,
      definition: 'orders',
      tone: 'neutral',
    },
    {
      id: 'aov',
      label: 'Average order value',
      value: aov,
      headline: fmtUsd(aov),
      exact: fmtUsd(aov),
      scope: period,
      detail: `${latest}: ${fmtUsd(last.aov_usd)}`,
      definition: 'aov',
      tone: 'neutral',
    },
    {
      id: 'active_customers',
      label: 'Active customers',
      value: customers.active_customers,
      headline: fmtInt(customers.active_customers),
      exact: fmtInt(customers.active_customers),
      scope: latest,
      detail: `${fmtInt(customers.new_customers)} new · ${fmtInt(customers.returning_customers)} returning`,
      definition: 'active',
      tone: 'neutral',
    },
    {
      id: 'mom_growth',
      label: 'MoM revenue growth',
      value: mom.mom_growth,
      headline: mom.mom_growth === null ? '—' : fmtGrowth(mom.mom_growth),
      exact: mom.mom_growth === null ? 'no previous month' : fmtGrowthExact(mom.mom_growth),
      scope: momRows.length > 1 ? `${latest} vs ${fmtMonth(momRows.at(-2)!.month)}` : latest,
      detail:
        mom.prev_revenue_usd === null
          ? 'first month of data'
          : `${fmtUsdCompact(mom.revenue_usd)} vs ${fmtUsdCompact(mom.prev_revenue_usd)}`,
      definition: 'mom',
      tone: mom.mom_growth === null || mom.mom_growth === 0 ? 'neutral' : mom.mom_growth > 0 ? 'good' : 'bad',
    },
    {
      id: 'churn',
      label: 'Customer churn',
      value: churn?.churn_rate ?? null,
      headline: churn?.churn_rate == null ? '—' : fmtPct(churn.churn_rate),
      exact: churn?.churn_rate == null ? 'needs two months of data' : fmtPctExact(churn.churn_rate),
      scope: churn ? `${fmtMonth(churn.month)} → ${churnNext ? fmtMonth(churnNext) : 'next month'}` : latest,
      detail: churn
        ? `${fmtMaybe(churn.churned_customers, fmtInt)} of ${fmtInt(churn.active_customers)} did not return`
        : '',
      definition: 'churn',
      tone: 'neutral',
    },
  ];
}
