import type * as EChartsNamespace from 'echarts';
import type { EChartsOption } from 'echarts';
import { applyFilter } from '../apply-filter.js';
import type { ChartData } from '../chart-data.js';
import { FILTER_INFO, FILTER_KEYS, type Filter, filterHash, parseFilter } from '../filters.js';
import { kpiTile } from '../kpi-tile.js';
import { buildKpis } from '../kpis.js';
import { countryName, humanLabel } from '../labels.js';
import { activeCustomers, churnRate, cohortHeatmap } from './customer-charts.js';
import { dataTable } from './data-table.js';
import { aovTrend, cumulativeRevenue, momGrowth, ordersTrend, revenueTrend } from './growth-charts.js';
import { categoryRevenue, categoryTotals, geoBars } from './segment-charts.js';
import { withBase } from './theme.js';

/**
 * The page's chart script (bundled by esbuild into an IIFE and inlined): reads the embedded data,
 * applies the filter in the URL hash, draws every `[data-chart]` container with ECharts (the
 * inlined UMD build, global `echarts`), redraws the KPI tiles, the data tables and the filter
 * state line of every page, and redraws all of it when the hash changes. Then it flags
 * `<html data-ready>` so headless Chromium and the tests know the page is drawn.
 */
declare const echarts: typeof EChartsNamespace;

const BUILDERS: Record<string, (d: ChartData) => EChartsOption> = {
  'revenue-trend': revenueTrend,
  'orders-trend': ordersTrend,
  'aov-trend': aovTrend,
  'mom-growth': momGrowth,
  'cumulative-revenue': cumulativeRevenue,
  'category-revenue': categoryRevenue,
  'category-totals': categoryTotals,
  'cohort-heatmap': cohortHeatmap,
  'active-customers': activeCustomers,
  'churn-rate': churnRate,
  'geo-revenue': geoBars('revenue'),
  'geo-aov': geoBars('aov'),
  'geo-repeat': geoBars('repeat'),
  'geo-active': geoBars('active'),
};

const data = JSON.parse(document.getElementById('dashboard-data')?.textContent ?? 'null') as ChartData;
const label = (key: string, value: string): string =>
  key === 'country' ? countryName(value) : humanLabel(value);

/** "Country: United States · Sales channel: Online", or "All data (no filter)". */
function describe(filter: Filter): string {
  const parts = FILTER_KEYS.filter((k) => filter[k]).map(
    (k) => `${FILTER_INFO[k].label}: ${label(k, filter[k]!)}`,
  );
  return parts.length ? `Filtered: ${parts.join(' · ')}` : 'All data (no filter)';
}

const charts = Array.from(document.querySelectorAll<HTMLElement>('[data-chart]')).map((el) => {
  const id = el.dataset.chart ?? '';
  const build = BUILDERS[id];
  if (!build) throw new Error(`no chart builder for data-chart="${id}"`);
  // SVG renderer: crisp in the PDF at any zoom, and inspectable by tests
  const chart = echarts.init(el, null, { renderer: 'svg' });
  const figure = el.closest('figure');
  const table = document.createElement('details');
  table.className = 'data-table';
  table.innerHTML = '<summary>Data table</summary><div></div>';
  figure?.append(table);
  const note = document.createElement('p');
  note.className = 'unfiltered-note';
  note.hidden = true;
  figure?.querySelector('figcaption')?.append(note);
  const accepts = (el.dataset.filters ?? '').split(',').filter(Boolean);
  return {
    id,
    el,
    chart,
    build,
    table,
    note,
    accepts,
    title: figure?.querySelector('h3')?.textContent ?? id,
  };
});

/** Fills the filter controls from the data's values (the page is built with empty selects). */
function fillControls(filter: Filter): void {
  for (const key of FILTER_KEYS) {
    const select = document.querySelector<HTMLSelectElement>(`select[name="${key}"]`);
    if (!select) continue;
    if (select.options.length <= 1) {
      for (const value of data.options[key]) select.add(new Option(label(key, value), value));
    }
    select.value = filter[key] ?? '';
  }
}

function render(): void {
  const filter = parseFilter(location.hash, data.options);
  // the address names what is shown: a value the data lacks is dropped, `us` reads as `US`
  const hash = filterHash(filter);
  if (hash !== location.hash.replace(/^#$/, ''))
    history.replaceState(null, '', hash || location.pathname + location.search);
  const view = applyFilter(data, filter);
  fillControls(filter);
  const active = FILTER_KEYS.filter((k) => filter[k]);
  for (const c of charts) {
    const option = withBase(c.build(view));
    c.chart.setOption(option, true);
    c.table.querySelector('div')!.innerHTML = dataTable(option, c.title);
    const ignored = active.filter((k) => !c.accepts.includes(k));
    c.note.hidden = !ignored.length;
    c.note.textContent = ignored.length
      ? `Not filtered by ${ignored.map((k) => FILTER_INFO[k].label.toLowerCase()).join(', ')}: shows all.`
      : '';
    c.el.setAttribute(
      'aria-label',
      `${c.title}. ${describe(filter)}. The data table below lists the values.`,
    );
  }
  const tiles = document.querySelector('.kpis');
  if (tiles) tiles.innerHTML = buildKpis(view).map(kpiTile).join('');
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-filter-state]')))
    el.textContent = describe(filter);
  document.documentElement.dataset.filter = filterHash(filter);
}

document.querySelector('#filters')?.addEventListener('change', (e) => {
  const select = e.target as HTMLSelectElement;
  const filter = parseFilter(location.hash, data.options);
  filter[select.name as keyof Filter] = select.value || undefined;
  location.hash = filterHash(filter) || '#';
});
document.querySelector('#filters')?.addEventListener('reset', (e) => {
  e.preventDefault();
  location.hash = '#';
});
// section links scroll without touching the hash, which holds the filter
for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>('a[data-section]'))) {
  a.addEventListener('click', (e) => {
    e.preventDefault();
    const target = document.getElementById(a.dataset.section ?? '');
    target?.scrollIntoView();
    target?.focus({ preventScroll: true });
  });
}
window.addEventListener('hashchange', render);
render();

const resizeAll = () => {
  for (const c of charts) c.chart.resize();
};
window.addEventListener('resize', resizeAll);
// printing from the browser re-lays the page out at paper width: redraw to fit it
matchMedia('print').addEventListener('change', resizeAll);
document.documentElement.dataset.ready = 'true';
