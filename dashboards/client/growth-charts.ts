import type { EChartsOption } from 'echarts';
import type { ChartData } from '../chart-data.js';
import { fmtGrowth, fmtGrowthExact, fmtInt, fmtUsd, fmtUsdCompact, fmtUsdShort } from '../format.js';
import {
  COLORS,
  exactTooltip as exact,
  monthAxis,
  TOOLTIP_ONLY_AXIS,
  tooltipOnly,
  valueAxis,
} from './theme.js';

/** Monthly revenue (bars, left axis) with AOV (line, right axis); orders in the tooltip. */
export function revenueAov(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: [
      valueAxis('Revenue (USD)', fmtUsdCompact),
      { ...valueAxis('AOV (USD)', fmtUsdCompact, { right: true }), scale: true },
      TOOLTIP_ONLY_AXIS,
    ],
    series: [
      {
        name: 'Revenue',
        type: 'bar',
        data: d.revenue,
        barMaxWidth: 36,
        itemStyle: { color: COLORS.revenue, borderRadius: [3, 3, 0, 0] },
        tooltip: exact(fmtUsd),
      },
      {
        name: 'AOV',
        type: 'line',
        yAxisIndex: 1,
        data: d.aov,
        symbolSize: 7,
        lineStyle: { width: 3 },
        itemStyle: { color: COLORS.aov },
        tooltip: exact(fmtUsd),
      },
      tooltipOnly('Orders', d.orders, 2, fmtInt),
    ],
    legend: { data: ['Revenue', 'AOV'] },
  };
}

/** MoM growth (bars, green up / red down, left axis) with cumulative revenue (line, right axis). */
export function momCumulative(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: [
      valueAxis('MoM growth', fmtGrowth),
      valueAxis('Cumulative revenue (USD)', fmtUsdCompact, { right: true }),
    ],
    series: [
      {
        name: 'MoM growth',
        type: 'bar',
        itemStyle: { color: COLORS.good },
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
        tooltip: exact(fmtGrowthExact),
      },
      {
        name: 'Cumulative revenue',
        type: 'line',
        yAxisIndex: 1,
        data: d.cumulative,
        symbolSize: 6,
        lineStyle: { width: 3 },
        itemStyle: { color: COLORS.cumulative },
        tooltip: exact(fmtUsd),
      },
    ],
  };
}

/** Executive-page trend: revenue bars labelled with compact values. */
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
