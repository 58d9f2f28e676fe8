import type * as EChartsNamespace from 'echarts';
import type { EChartsOption } from 'echarts';
import type { ChartData } from '../chart-data.js';
import { churnActive, cohortHeatmap } from './customer-charts.js';
import { momCumulative, revenueAov, revenueTrend } from './growth-charts.js';
import { categoryRevenue, categoryTotals, geoBars } from './segment-charts.js';
import { withBase } from './theme.js';

/**
 * The page's chart script (bundled by esbuild into an IIFE and inlined): reads the embedded data,
 * draws every `[data-chart]` container with ECharts (the inlined UMD build, global `echarts`),
 * keeps charts sized with the window and print layout, then flags `<html data-ready>` so headless
 * Chromium knows when to print.
 */
declare const echarts: typeof EChartsNamespace;

const BUILDERS: Record<string, (d: ChartData) => EChartsOption> = {
  'revenue-trend': revenueTrend,
  'revenue-aov': revenueAov,
  'mom-cumulative': momCumulative,
  'category-revenue': categoryRevenue,
  'category-totals': categoryTotals,
  'cohort-heatmap': cohortHeatmap,
  'churn-active': churnActive,
  'geo-revenue': geoBars('revenue'),
  'geo-aov': geoBars('aov'),
  'geo-repeat': geoBars('repeat'),
  'geo-active': geoBars('active'),
};

const data = JSON.parse(document.getElementById('dashboard-data')?.textContent ?? 'null') as ChartData;
const charts = Array.from(document.querySelectorAll<HTMLElement>('[data-chart]')).map((el) => {
  const build = BUILDERS[el.dataset.chart ?? ''];
  if (!build) throw new Error(`no chart builder for data-chart="${el.dataset.chart}"`);
  // SVG renderer: crisp in the PDF at any zoom, and inspectable by tests
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption(withBase(build(data)));
  return chart;
});

const resizeAll = () => {
  for (const chart of charts) chart.resize();
};
window.addEventListener('resize', resizeAll);
// printing from the browser re-lays the page out at paper width: redraw to fit it
matchMedia('print').addEventListener('change', resizeAll);
document.documentElement.dataset.ready = 'true';
