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
import { roundRatio } from './ratio.js';

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
 * The six tiles, from the page's (possibly filtered) data alone, so the chart script can redraw
 * them under a filter. Revenue, orders and AOV cover the whole period (with the latest month as
 * detail); active customers is the latest month; MoM growth is the latest month's; churn is the
 * last month that has a churn figure (the month before the latest, whose next month has been
 * observed).
 */
export function buildKpis(d: ChartData): Kpi[] {
  const n = d.months.length - 1;
  const period = range(d.months);
  const latest = fmtMonth(d.months[n]!);
  const revenue = sumUsd(d.revenue);
  const orders = d.orders.reduce((s, v) => s + v, 0);
  const aov = orders ? roundRatio(revenue, orders, 2) : 0;
  const active = d.active[n] ?? 0;
  const mom = d.mom[n] ?? null;
  const prev = d.prevRevenue[n] ?? null;
  // Why there is no growth figure: MoM compares with the previous calendar month only.
  const momMissing =
    n === 0
      ? 'first month of data'
      : prev === null
        ? 'previous month not observed'
        : 'no revenue the month before';
  const c = d.churnRate.findLastIndex((r) => r !== null);
  const churn = c < 0 ? null : { month: d.months[c]!, rate: d.churnRate[c]!, churned: d.churned[c] ?? null };
  const churnNext = c < 0 ? undefined : d.months[c + 1];
  return [
    {
      id: 'revenue',
      label: 'Revenue',
      value: revenue,
      headline: fmtUsdCompact(revenue),
      exact: fmtUsd(revenue),
      scope: period,
      detail: `${latest}: ${fmtUsd(d.revenue[n]!)}`,
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
      detail: `${latest}: ${fmtInt(d.orders[n]!)}`,
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
      detail: `${latest}: ${fmtMaybe(d.aov[n] ?? null, fmtUsd)}`,
      definition: 'aov',
      tone: 'neutral',
    },
    {
      id: 'active_customers',
      label: 'Active customers',
      value: active,
      headline: fmtInt(active),
      exact: fmtInt(active),
      scope: latest,
      detail: `${fmtMaybe(d.newCustomers[n] ?? null, fmtInt)} new · ${fmtMaybe(d.returning[n] ?? null, fmtInt)} returning`,
      definition: 'active',
      tone: 'neutral',
    },
    {
      id: 'mom_growth',
      label: 'MoM revenue growth',
      value: mom,
      headline: mom === null ? '—' : fmtGrowth(mom),
      exact: mom === null ? momMissing : fmtGrowthExact(mom),
      scope: n > 0 ? `${latest} vs ${fmtMonth(d.months[n - 1]!)}` : latest,
      detail: prev === null ? momMissing : `${fmtUsdCompact(d.revenue[n]!)} vs ${fmtUsdCompact(prev)}`,
      definition: 'mom',
      tone: mom === null || mom === 0 ? 'neutral' : mom > 0 ? 'good' : 'bad',
    },
    {
      id: 'churn',
      label: 'Customer churn',
      value: churn?.rate ?? null,
      headline: churn ? fmtPct(churn.rate) : '—',
      exact: churn ? fmtPctExact(churn.rate) : 'needs two months of data',
      scope: churn ? `${fmtMonth(churn.month)} → ${churnNext ? fmtMonth(churnNext) : 'next month'}` : latest,
      detail: churn ? `${fmtMaybe(churn.churned, fmtInt)} of ${fmtInt(d.active[c] ?? 0)} did not return` : '',
      definition: 'churn',
      tone: 'neutral',
    },
  ];
}
