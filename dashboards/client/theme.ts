import type { EChartsOption } from 'echarts';
import { fmtMonth } from '../format.js';

/**
 * Colours shared by the charts and the stylesheet (dashboard.css uses the same values). The
 * palette is Okabe & Ito's, distinguishable with the common colour-vision deficiencies; series
 * beyond its length cycle, and "up"/"down" are blue/vermillion (never red/green) with a sign.
 */
export const COLORS = {
  revenue: '#0072B2',
  aov: '#E69F00',
  cumulative: '#009E73',
  good: '#0072B2',
  bad: '#D55E00',
  returning: '#0072B2',
  newCustomers: '#56B4E9',
  churn: '#D55E00',
  other: '#8C8C8C',
  muted: '#94a3b8',
  text: '#1e293b',
  grid: '#e2e8f0',
  palette: ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'],
} as const;

/** The i-th series colour: the palette cycles, so any number of categories or countries works. */
export const paletteColor = (i: number): string => COLORS.palette[i % COLORS.palette.length]!;

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
  /** fromZero false: a line axis fitted to the data (the figure must say so); signed: zero inside, negatives allowed */
  opts: { right?: boolean; fromZero?: boolean; signed?: boolean } = {},
) => ({
  type: 'value' as const,
  name,
  // bars and most lines are read against zero; only a marked line axis may start elsewhere
  ...(opts.fromZero === false ? { scale: true } : opts.signed ? {} : { min: 0 }),
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
