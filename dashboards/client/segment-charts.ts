import type { EChartsOption } from 'echarts';
import { type ChartData, type GeoRow, sumUsd } from '../chart-data.js';
import { escapeHtml, fmtInt, fmtPct, fmtPctAxis, fmtPctExact, fmtUsd, fmtUsdCompact } from '../format.js';
import { COLORS, exactTooltip as exact, monthAxis, valueAxis } from './theme.js';

/** Revenue per category per month, one line per category (largest category first). */
export function categoryRevenue(d: ChartData): EChartsOption {
  return {
    xAxis: { ...monthAxis(d.months), boundaryGap: false },
    yAxis: valueAxis('Revenue (USD)', fmtUsdCompact),
    tooltip: { trigger: 'axis', order: 'valueDesc' },
    // the legend wraps past six categories: leave it room above the plot
    grid: { top: d.categories.length > 6 ? 72 : 44 },
    series: d.categories.map((c) => ({
      name: c.name,
      type: 'line',
      data: c.revenue,
      symbolSize: 5,
      lineStyle: { width: 2.5 },
      emphasis: { focus: 'series' },
      tooltip: exact(fmtUsd),
    })),
  };
}

/** Whole-period revenue per category as horizontal bars, labelled with the share of category sales. */
export function categoryTotals(d: ChartData): EChartsOption {
  const total = sumUsd(d.categories.map((c) => c.totalRevenue));
  return {
    grid: { top: 8, left: 12, right: 90, bottom: 8, outerBoundsMode: 'same' },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const c = d.categories[(p as { dataIndex: number }).dataIndex]!;
        return `<b>${escapeHtml(c.name)}</b><br/>Revenue ${fmtUsd(c.totalRevenue)} (${fmtPctExact(c.totalRevenue / total)})<br/>Units ${fmtInt(c.units)} · Orders ${fmtInt(c.orders)}`;
      },
    },
    xAxis: {
      splitNumber: 3,
      type: 'value',
      axisLabel: { formatter: fmtUsdCompact },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: d.categories.map((c) => c.name),
      axisTick: { show: false },
    },
    series: [
      {
        name: 'Revenue',
        type: 'bar',
        barMaxWidth: 26,
        data: d.categories.map((c, i) => ({
          value: c.totalRevenue,
          itemStyle: { color: COLORS.palette[i % COLORS.palette.length], borderRadius: [0, 3, 3, 0] },
        })),
        label: {
          show: true,
          position: 'right',
          formatter: (p) => `${fmtUsdCompact(p.value as number)} · ${fmtPct((p.value as number) / total)}`,
        },
      },
    ],
  };
}

/** The four country comparisons: field, colour, axis / bar-label / tooltip formats. */
const GEO_METRICS = {
  revenue: {
    name: 'Revenue',
    pick: (g: GeoRow) => g.revenue,
    color: COLORS.palette[0],
    axis: fmtUsdCompact,
    label: fmtUsdCompact,
    exact: fmtUsd,
  },
  aov: {
    name: 'AOV',
    pick: (g: GeoRow) => g.aov,
    color: COLORS.palette[2],
    axis: fmtUsdCompact,
    label: fmtUsd,
    exact: fmtUsd,
  },
  repeat: {
    name: 'Repeat rate',
    pick: (g: GeoRow) => g.repeatRate,
    color: COLORS.palette[1],
    axis: fmtPctAxis,
    label: fmtPct,
    exact: fmtPctExact,
  },
  active: {
    name: 'Active customers',
    pick: (g: GeoRow) => g.active,
    color: COLORS.palette[3],
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
      splitNumber: 4,
      axisLabel: { formatter: m.axis },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: { type: 'category', inverse: true, data: d.geo.map((g) => g.country), axisTick: { show: false } },
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
