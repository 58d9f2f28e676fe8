import { type ChartData, sumUsd } from './chart-data.js';
import type { Filter } from './filters.js';
import { roundRatio } from './ratio.js';

const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

/**
 * The page's data under a filter. Country, channel and segment pick one row per month of
 * monthly_sales_by_filter.csv (the cell with the other dimensions at 'all'), so active, new and
 * churned customers are the exported distinct counts of that cell, never sums across cells; the
 * month series derived from them (AOV, MoM, cumulative, churn rate) are recomputed from the cell.
 * Category narrows the category charts; country narrows the geography. What a filter cannot
 * change (cohort retention; categories under country/channel/segment) stays as exported, and the
 * page says so. With no filter the exported figures are returned as they are.
 */
export function applyFilter(d: ChartData, f: Filter): ChartData {
  const out: ChartData = {
    ...d,
    categories: f.category ? d.categories.filter((c) => c.name === f.category) : d.categories,
    geo: f.country ? d.geo.filter((g) => g.country === f.country) : d.geo,
  };
  if (!f.country && !f.channel && !f.segment) return out;
  const cell = { country: f.country ?? 'all', channel: f.channel ?? 'all', segment: f.segment ?? 'all' };
  const rows = new Map(
    d.slices
      .filter((r) => r.country === cell.country && r.channel === cell.channel && r.segment === cell.segment)
      .map((r) => [r.month, r]),
  );
  const observed = new Set(d.months.map(monthIndex));
  const at = d.months.map((m) => rows.get(m));
  const revenue = at.map((r) => r?.revenue ?? 0);
  const orders = at.map((r) => r?.orders ?? 0);
  const active = at.map((r) => r?.active ?? 0);
  const newCustomers = at.map((r) => r?.newCustomers ?? 0);
  const prevRevenue = d.months.map((m, i) =>
    i > 0 && monthIndex(d.months[i - 1]!) === monthIndex(m) - 1 ? revenue[i - 1]! : null,
  );
  const churned = d.months.map((m, i) => {
    if (!observed.has(monthIndex(m) + 1)) return null;
    return at[i]?.churned ?? 0;
  });
  return {
    ...out,
    revenue,
    orders,
    aov: revenue.map((r, i) => (orders[i] ? roundRatio(r, orders[i]!, 2) : null)),
    prevRevenue,
    mom: revenue.map((r, i) => {
      const prev = prevRevenue[i];
      return prev ? roundRatio(r - prev, prev, 6) : null;
    }),
    cumulative: revenue.map((_, i) => sumUsd(revenue.slice(0, i + 1))),
    active,
    newCustomers,
    returning: active.map((a, i) => a - newCustomers[i]!),
    churned,
    churnRate: churned.map((c, i) => (c === null || !active[i] ? null : roundRatio(c, active[i]!, 6))),
  };
}
