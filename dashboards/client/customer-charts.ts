import type { EChartsOption } from 'echarts';
import { type ChartData, RETENTION_MONTHS } from '../chart-data.js';
import { fmtInt, fmtMonth, fmtPct, fmtPctAxis, fmtPctExact } from '../format.js';
import { COLORS, exactTooltip as exact, monthAxis, valueAxis } from './theme.js';

type Cell = { value: [number, number, number]; active: number; label?: { color: string } };

/**
 * Cohort retention heatmap: cohorts down, months since cohort (k = 0..6) across. Month 0 is 100 %
 * by definition, so it is drawn grey and left out of the colour scale, which then spreads over
 * the rates that carry information (k >= 1).
 */
export function cohortHeatmap(d: ChartData): EChartsOption {
  const cells: Cell[] = [];
  const base: Cell[] = [];
  d.cohorts.forEach((c, y) => {
    c.rates.forEach((rate, k) => {
      if (rate === null) return;
      const cell = { value: [k, y, rate] as [number, number, number], active: c.active[k] ?? 0 };
      (k === 0 ? base : cells).push(cell);
    });
  });
  const max = Math.max(0.05, ...cells.map((c) => c.value[2]));
  for (const c of cells) c.label = { color: c.value[2] > max * 0.55 ? '#ffffff' : COLORS.text };
  const label = {
    show: true,
    fontSize: 11,
    formatter: (p: { value: unknown }) => fmtPct((p.value as number[])[2]!),
  };
  return {
    grid: { top: 28, left: 12, right: 12, bottom: 64, outerBoundsMode: 'same' },
    legend: { show: false },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const { value, data } = p as unknown as { value: number[]; data: Cell };
        const c = d.cohorts[value[1]!]!;
        return `<b>Cohort ${fmtMonth(c.month)}</b> (${fmtInt(c.size)} customers)<br/>Month +${value[0]}: ${fmtPctExact(value[2]!)} retained (${fmtInt(data.active)} active)`;
      },
    },
    xAxis: {
      type: 'category',
      name: 'Months since first order',
      nameLocation: 'middle',
      nameGap: 26,
      position: 'top',
      data: Array.from({ length: RETENTION_MONTHS }, (_, k) => `+${k}`),
      axisLine: { show: false },
      axisTick: { show: false },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: d.cohorts.map((c) => `${fmtMonth(c.month)} (${fmtInt(c.size)})`),
      axisLine: { show: false },
      axisTick: { show: false },
    },
    visualMap: {
      seriesIndex: 1,
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 220,
      text: [fmtPct(max), '0%'],
      formatter: (v) => fmtPct(v as number),
      inRange: { color: ['#eff6ff', '#93c5fd', '#2563eb', '#1e3a8a'] },
    },
    series: [
      {
        name: 'Cohort month',
        type: 'heatmap',
        data: base,
        itemStyle: { color: '#cbd5e1', borderColor: '#ffffff', borderWidth: 2 },
        label,
      },
      {
        name: 'Retention',
        type: 'heatmap',
        data: cells,
        itemStyle: { borderColor: '#ffffff', borderWidth: 2 },
        label,
      },
    ],
  };
}

/** Active customers per month as stacked bars from zero: returning below, new on top. */
export function activeCustomers(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: valueAxis('Active customers', fmtInt),
    series: [
      {
        name: 'Returning',
        type: 'bar',
        stack: 'active',
        barMaxWidth: 36,
        data: d.returning,
        itemStyle: { color: COLORS.returning },
        tooltip: exact(fmtInt),
      },
      {
        name: 'New',
        type: 'bar',
        stack: 'active',
        data: d.newCustomers,
        itemStyle: { color: COLORS.newCustomers, borderRadius: [3, 3, 0, 0] },
        tooltip: exact(fmtInt),
      },
    ],
  };
}

/** Churn rate per month, a line on an axis from zero; the last month has no figure yet. */
export function churnRate(d: ChartData): EChartsOption {
  return {
    xAxis: monthAxis(d.months),
    yAxis: valueAxis('Churn rate', fmtPctAxis),
    series: [
      {
        name: 'Churn rate',
        type: 'line',
        data: d.churnRate,
        symbolSize: 7,
        lineStyle: { width: 3 },
        itemStyle: { color: COLORS.churn },
        tooltip: exact(fmtPctExact),
      },
    ],
  };
}
