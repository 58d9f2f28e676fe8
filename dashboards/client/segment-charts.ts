import type { EChartsOption } from 'echarts';
import { type ChartData, type GeoRow, sumUsd } from '../chart-data.js';
import { escapeHtml, fmtInt, fmtPct, fmtPctAxis, fmtPctExact, fmtUsd, fmtUsdCompact } from '../format.js';
import { countryName, humanLabel } from '../labels.js';
import { COLORS, exactTooltip as exact, monthAxis, paletteColor, valueAxis } from './theme.js';

/** Categories drawn by name; the rest are summed into one "Other" series. */
export const TOP_CATEGORIES = 5;
type Category = ChartData['categories'][number];

/**
 * The largest `TOP_CATEGORIES` categories (by whole-period revenue) with human labels, and the
 * others summed into "Other (k categories)" — nine lines bunched together read as none. Category
 * codes the contract adds later get a generic label (labels.ts) and a cycling palette colour.
 */
export function topCategories(d: ChartData): (Category & { label: string; color: string })[] {
  const shown =
    d.categories.length > TOP_CATEGORIES + 1 ? d.categories.slice(0, TOP_CATEGORIES) : d.categories;
  const rest = d.categories.slice(shown.length);
  const top = shown.map((c, i) => ({ ...c, label: humanLabel(c.name), color: paletteColor(i) }));
  if (!rest.length) return top;
  const add = (xs: (number | null)[][]) =>
    d.months.map((_, m) => {
      const vs = xs.map((x) => x[m]).filter((v): v is number => v !== null && v !== undefined);
      return vs.length ? sumUsd(vs) : null;
    });
  return [
    ...top,
    {
      name: 'other',
      label: `Other (${rest.length} categories)`,
      color: COLORS.other,
      revenue: add(rest.map((c) => c.revenue)),
      totalRevenue: sumUsd(rest.map((c) => c.totalRevenue)),
      units: rest.reduce((s, c) => s + c.units, 0),
      orders: rest.reduce((s, c) => s + c.orders, 0),
    },
  ];
}

/** Revenue per category per month: one line per top category and one for the rest. */
export function categoryRevenue(d: ChartData): EChartsOption {
  const cats = topCategories(d);
  return {
    xAxis: { ...monthAxis(d.months), boundaryGap: false },
    yAxis: valueAxis('Revenue (USD)', fmtUsdCompact),
    tooltip: { trigger: 'axis', order: 'valueDesc' },
    grid: { top: cats.length > 4 ? 64 : 44 },
    series: cats.map((c) => ({
      name: c.label,
      type: 'line',
      data: c.revenue,
      symbolSize: 5,
      lineStyle: { width: c.name === 'other' ? 2 : 2.5, type: c.name === 'other' ? 'dashed' : 'solid' },
      itemStyle: { color: c.color },
      emphasis: { focus: 'series' },
      tooltip: exact(fmtUsd),
    })),
  };
}

/** Whole-period revenue per top category (and the rest) as bars from zero, labelled with the share. */
export function categoryTotals(d: ChartData): EChartsOption {
  const cats = topCategories(d);
  const total = sumUsd(cats.map((c) => c.totalRevenue));
  return {
    grid: { top: 8, left: 12, right: 90, bottom: 8, outerBoundsMode: 'same' },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const c = cats[(p as { dataIndex: number }).dataIndex]!;
        return `<b>${escapeHtml(c.label)}</b><br/>Revenue ${fmtUsd(c.totalRevenue)} (${fmtPctExact(c.totalRevenue / total)})<br/>Units ${fmtInt(c.units)} · Orders ${fmtInt(c.orders)}`;
      },
    },
    xAxis: {
      splitNumber: 3,
      type: 'value',
      min: 0,
      axisLabel: { formatter: fmtUsdCompact },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: cats.map((c) => c.label),
      axisTick: { show: false },
    },
    series: [
      {
        name: 'Revenue',
        type: 'bar',
        barMaxWidth: 26,
        data: cats.map((c) => ({
          value: c.totalRevenue,
          itemStyle: { color: c.color, borderRadius: [0, 3, 3, 0] },
        })),
        label: {
          show: true,
          position: 'right',
          formatter: (p) => `${fmtUsdCompact(p.value as number)} · ${fmtPct((p.value as number) / total)}`,
        },
        tooltip: exact(fmtUsd),
      },
    ],
  };
}

/** The four country comparisons: field, colour, axis / bar-label / tooltip formats. */
const GEO_METRICS = {
  revenue: {
    name: 'Revenue',
    pick: (g: GeoRow) => g.revenue,
    color: paletteColor(0),
    axis: fmtUsdCompact,
    label: fmtUsdCompact,
    exact: fmtUsd,
  },
  aov: {
    name: 'AOV',
    pick: (g: GeoRow) => g.aov,
    color: paletteColor(2),
    axis: fmtUsdCompact,
    label: fmtUsd,
    exact: fmtUsd,
  },
  repeat: {
    name: 'Repeat rate',
    pick: (g: GeoRow) => g.repeatRate,
    color: paletteColor(1),
    axis: fmtPctAxis,
    label: fmtPct,
    exact: fmtPctExact,
  },
  active: {
    name: 'Active customers',
    pick: (g: GeoRow) => g.active,
    color: paletteColor(3),
    axis: fmtInt,
    label: fmtInt,
    exact: fmtInt,
  },
} as const;

/** One country comparison as horizontal bars, countries in revenue order on every chart. */
export function geoBars(metric: keyof typeof GEO_METRICS) {
  const m = GEO_METRICS[metric];
  return (d: ChartData): EChartsOption => ({
    grid: { top: 8, left: 12, right: 76, bottom: 8, outerBoundsMode: 'same' },
    xAxis: {
      type: 'value',
      min: 0,
      splitNumber: 4,
      axisLabel: { formatter: m.axis },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: d.geo.map((g) => countryName(g.country)),
      axisTick: { show: false },
    },
    series: [
      {
        name: m.name,
        type: 'bar',
        barMaxWidth: 22,
        data: d.geo.map(m.pick),
        itemStyle: { color: m.color, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', formatter: (p) => m.label(p.value as number) },
        tooltip: exact(m.exact),
      },
    ],
  });
}
