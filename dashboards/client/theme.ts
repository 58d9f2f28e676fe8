import type { EChartsOption } from 'echarts';
import { fmtMonth } from '../format.js';

/** Colours shared by the charts and the stylesheet (dashboard.css uses the same values). */
export const COLORS = {
  revenue: '#2563eb',
  aov: '#f59e0b',
  cumulative: '#0f766e',
  good: '#16a34a',
  bad: '#dc2626',
  returning: '#2563eb',
  newCustomers: '#93c5fd',
  churn: '#dc2626',
  muted: '#94a3b8',
  text: '#1e293b',
  grid: '#e2e8f0',
  palette: [
    '#2563eb',
    '#0d9488',
    '#f59e0b',
    '#7c3aed',
    '#db2777',
    '#64748b',
    '#65a30d',
    '#0ea5e9',
    '#b45309',
    '#4f46e5',
  ],
} as const;

const FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif';

/**
 * Options every chart starts from: no animation (the PDF and the tests capture the final frame),
 * confined axis tooltips, legend on top, readable 12 px text.
 */
export const BASE_OPTION: EChartsOption = {
  animation: false,
  color: [...COLORS.palette],
  textStyle: { fontFamily: FONT, fontSize: 12, color: COLORS.text },
  tooltip: { trigger: 'axis', confine: true, axisPointer: { type: 'shadow' } },
  legend: { top: 0, left: 'center', itemGap: 16, textStyle: { fontSize: 12 } },
  grid: { top: 44, left: 12, right: 12, bottom: 8, outerBoundsMode: 'same' },
};

/** Category x axis of months (`Jan 2025`), label on two lines so twelve months fit. */
export const monthAxis = (months: string[]) => ({
  type: 'category' as const,
  data: months.map(fmtMonth),
  axisTick: { alignWithLabel: true },
  axisLabel: { formatter: (v: string) => v.replace(' ', '\n'), lineHeight: 14 },
});

/** Value axis with a name and a formatter; split lines only on the left axis. */
export const valueAxis = (
  name: string,
  formatter: (v: number) => string,
  opts: { right?: boolean } = {},
) => ({
  type: 'value' as const,
  name,
  nameTextStyle: { color: '#64748b', align: opts.right ? ('right' as const) : ('left' as const) },
  axisLabel: { formatter },
  splitLine: { show: !opts.right, lineStyle: { color: COLORS.grid } },
});

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Tooltip formatting for one series: exact value, `—` where the month has none. */
export const exactTooltip = (format: (v: number) => string) => ({
  valueFormatter: (v: unknown) => (typeof v === 'number' ? format(v) : '—'),
});

/** Hidden value axis for series that only feed the tooltip (orders, churned customers). */
export const TOOLTIP_ONLY_AXIS = { type: 'value' as const, show: false };

/** Series drawn invisibly on the hidden axis `yAxisIndex`, so the tooltip lists its exact value. */
export const tooltipOnly = (
  name: string,
  data: (number | null)[],
  yAxisIndex: number,
  format: (v: number) => string,
) => ({
  name,
  type: 'line' as const,
  yAxisIndex,
  data,
  symbol: 'none',
  lineStyle: { opacity: 0 },
  itemStyle: { color: COLORS.muted },
  tooltip: exactTooltip(format),
});

/**
 * A chart's own option over BASE_OPTION, merging top-level objects (a chart's `grid` keeps the
 * base font etc.); a single-series chart gets no legend, its title says what it shows.
 */
export function withBase(own: EChartsOption): EChartsOption {
  const single = Array.isArray(own.series) && own.series.length === 1;
  const out: Record<string, unknown> = { ...BASE_OPTION, ...(single ? { legend: { show: false } } : {}) };
  for (const [key, value] of Object.entries(own)) {
    const base = out[key];
    out[key] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return out as EChartsOption;
}
