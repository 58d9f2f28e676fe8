import { type ChartData, sumUsd } from './chart-data.js';
import { fmtMonth, fmtPct, fmtUsd } from './format.js';

/** Short facts for the executive page: best month, top category and country, month-1 retention. */
export function buildHighlights(d: ChartData): string[] {
  const facts: string[] = [];
  const best = d.revenue.reduce((bi, v, i, a) => (v > a[bi]! ? i : bi), 0);
  facts.push(`Best month: ${fmtMonth(d.months[best]!)} with ${fmtUsd(d.revenue[best]!)} revenue.`);
  const catTotal = sumUsd(d.categories.map((c) => c.totalRevenue));
  const topCat = d.categories[0];
  if (topCat && catTotal)
    facts.push(`Top category: ${topCat.name}, ${fmtPct(topCat.totalRevenue / catTotal)} of category sales.`);
  const geoTotal = sumUsd(d.geo.map((g) => g.revenue));
  const topGeo = d.geo[0];
  if (topGeo && geoTotal)
    facts.push(`Top country: ${topGeo.country}, ${fmtPct(topGeo.revenue / geoTotal)} of revenue.`);
  const withK1 = d.cohorts.filter((c) => c.active[1] !== null);
  const size = withK1.reduce((s, c) => s + c.size, 0);
  if (size) {
    const back = withK1.reduce((s, c) => s + (c.active[1] ?? 0), 0);
    facts.push(
      `Month-1 retention across ${withK1.length} cohorts: ${fmtPct(back / size)} of new customers came back.`,
    );
  }
  return facts;
}
