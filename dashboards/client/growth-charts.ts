import type { EChartsOption } from 'echarts';
import type { ChartData } from '../chart-data.js';
import { fmtGrowth, fmtGrowthExact, fmtInt, fmtUsd, fmtUsdCompact, fmtUsdShort } from '../format.js';
import { COLORS, exactTooltip as exact, monthAxis, valueAxis } from './theme.js';

/**
 * Growth charts, one measure per chart: two series on unrelated axes invite false comparisons
 * (and their labels collide), so revenue, AOV, MoM growth and cumulative revenue are drawn apart.
 */

/** Average order value by month: a line whose axis is fitted to the data, marked on the page. */
export function aovTrend(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: valueAxis('AOV (USD) · axis does not start at $0', fmtUsdCompact, { fromZero: false }),
    series: [
      {
        name: 'AOV',
        type: 'line',
        data: d.aov,
        symbolSize: 7,
        lineStyle: { width: 3 },
        itemStyle: { color: COLORS.aov },
        tooltip: exact(fmtUsd),
      },
    ],
  };
}

/** MoM growth as bars from zero, blue up / vermillion down, each labelled with its signed value. */
export function momGrowth(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: valueAxis('MoM revenue growth', fmtGrowth, { signed: true }),
    series: [
      {
        name: 'MoM growth',
        type: 'bar',
        barMaxWidth: 36,
        data: d.mom.map((v) => ({
          value: v,
          itemStyle: { color: (v ?? 0) >= 0 ? COLORS.good : COLORS.bad },
        })),
        label: {
          show: true,
          position: 'top',
          fontSize: 11,
          formatter: (p) => (typeof p.value === 'number' ? fmtGrowth(p.value) : ''),
        },
        labelLayout: { hideOverlap: true },
        tooltip: exact(fmtGrowthExact),
      },
    ],
  };
}

/** Cumulative revenue from the first month shown, a line on an axis from zero. */
export function cumulativeRevenue(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: valueAxis('Cumulative revenue (USD)', fmtUsdCompact),
    series: [
      {
        name: 'Cumulative revenue',
        type: 'line',
        data: d.cumulative,
        symbolSize: 6,
        lineStyle: { width: 3 },
        areaStyle: { opacity: 0.08 },
        itemStyle: { color: COLORS.cumulative },
        tooltip: exact(fmtUsd),
      },
    ],
  };
}

/** Executive-page trend: revenue bars from zero, labelled with compact values. */
export function revenueTrend(d: ChartData): EChartsOption {
  return {
    grid: { top: 24, left: 12, right: 12, bottom: 8, outerBoundsMode: 'same' },
    xAxis: monthAxis(d.months),
    yAxis: { ...valueAxis('', fmtUsdCompact), splitNumber: 3 },
    series: [
      {
        name: 'Revenue',
        type: 'bar',
        data: d.revenue,
        barMaxWidth: 40,
        itemStyle: { color: COLORS.revenue, borderRadius: [3, 3, 0, 0] },
        label: {
          show: true,
          position: 'top',
          fontSize: 10,
          formatter: (p) => fmtUsdShort(p.value as number),
        },
        // a year of labels in a narrow print column: drop any that would still collide
        labelLayout: { hideOverlap: true },
        tooltip: exact(fmtUsd),
      },
    ],
  };
}

/** Completed orders per month, bars from zero. */
export function ordersTrend(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: valueAxis('Orders', fmtInt),
    series: [
      {
        name: 'Orders',
        type: 'bar',
        data: d.orders,
        barMaxWidth: 36,
        itemStyle: { color: COLORS.revenue, borderRadius: [3, 3, 0, 0] },
        tooltip: exact(fmtInt),
      },
    ],
  };
}
