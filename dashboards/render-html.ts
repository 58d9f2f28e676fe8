import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChartData } from './chart-data.js';
import { DEFINITIONS, type DefinitionId, HOW_TO_READ } from './definitions.js';
import { FILTER_INFO, FILTER_KEYS } from './filters.js';
import { escapeHtml, fmtMonth } from './format.js';
import { kpiTile } from './kpi-tile.js';
import type { Kpi } from './kpis.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * What the top bar shows for the dbt docs: a link to them (an href relative to the page), a hint
 * naming the command that writes them (`write`: `npx ops docs`, with the dashboard's lake), or
 * nothing (`not-available`: the docs do not
 * describe this page's build). The `ops` commands decide which (tools/docs/docs-link.ts).
 */
export type DocsLink = { href: string } | { write: string } | 'not-available';

/** Everything the page shows; rendered into `template.html`. */
export interface PageInput {
  kpis: Kpi[];
  highlights: string[];
  charts: ChartData;
  /** The data-quality section's body, already HTML (dashboards/data-quality.ts). */
  dataQuality: string;
  generatedAt: Date;
  /** The top bar's dbt docs; default: nothing. */
  docs?: DocsLink | undefined;
}

/** Inline script text must not close its own `<script>` element. */
function inlineScript(name: string, code: string): string {
  if (/<\/script/i.test(code)) throw new Error(`${name} contains "</script" and cannot be inlined`);
  return code;
}

/** The pinned ECharts UMD build from node_modules (no CDN: the page must open offline). */
async function echartsSource(): Promise<{ code: string; version: string }> {
  const file = fileURLToPath(import.meta.resolve('echarts/dist/echarts.min'));
  const pkg = JSON.parse(await readFile(path.join(file, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { code: await readFile(file, 'utf8'), version: pkg.version };
}

/** Bundles the chart script (client/main.ts and what it imports) into one IIFE. */
async function clientSource(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(here, 'client', 'main.ts')],
    bundle: true,
    format: 'iife',
    target: 'chrome110',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

const definitions = (ids: string): string => {
  const items = ids.split(',').map((id) => {
    const def = DEFINITIONS[id as DefinitionId];
    if (!def) throw new Error(`template names unknown definition "${id}"`);
    return `<div><dt>${escapeHtml(def[0])}</dt><dd>${escapeHtml(def[1])}</dd></div>`;
  });
  return `<dl class="defs">${items.join('')}</dl>`;
};

/** `2025-11-25 18:11 UTC`. */
const stamp = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Renders the self-contained dashboard page: CSS, the pinned ECharts build, the bundled chart
 * script and the data (JSON) all inline, and a CSP that forbids any network request.
 */
export async function renderHtml(input: PageInput): Promise<string> {
  const [template, css, echarts, client] = await Promise.all([
    readFile(path.join(here, 'template.html'), 'utf8'),
    readFile(path.join(here, 'dashboard.css'), 'utf8'),
    echartsSource(),
    clientSource(),
  ]);
  const { months } = input.charts;
  const asOf = fmtMonth(months.at(-1)!);
  const period = `${fmtMonth(months[0]!)} – ${asOf}`;
  const header = (title: string) =>
    `<header class="page-head"><div><p class="eyebrow">Store sales analytics</p><h1>${title}</h1></div>` +
    `<p class="page-meta">Data as of <b>${asOf}</b> · ${months.length} months, ${period}<br>` +
    `Generated ${stamp(input.generatedAt)} from the analytics_outputs CSV exports · ECharts ${echarts.version}<br>` +
    // filled by the chart script: on every printed page, the filter the figures show
    `<span class="page-filter" data-filter-state>All data (no filter)</span></p></header>`;
  const fill: Record<string, (arg: string) => string> = {
    asOf: () => asOf,
    period: () => period,
    firstMonth: () => fmtMonth(months[0]!),
    howToRead: () => escapeHtml(HOW_TO_READ),
    filterEffects: () =>
      `<details class="filter-effects"><summary>What the filters change</summary><ul>${FILTER_KEYS.map(
        (k) =>
          `<li><b>${escapeHtml(FILTER_INFO[k].label)}</b> changes ${escapeHtml(FILTER_INFO[k].changes)}; it cannot change ${escapeHtml(FILTER_INFO[k].cannot)}.</li>`,
      ).join('')}</ul></details>`,
    css: () => css,
    docsLink: () => {
      const docs = input.docs ?? 'not-available';
      if (docs === 'not-available') return '';
      if ('write' in docs)
        return `<span class="topbar-hint" data-docs-hint>dbt docs: <code>${escapeHtml(docs.write)}</code>, then this dashboard again</span>`;
      return `<a href="${escapeHtml(docs.href)}" data-docs-link title="dbt models, columns, tests and lineage">dbt docs &amp; lineage</a>`;
    },
    header,
    kpis: () => input.kpis.map(kpiTile).join(''),
    dataQuality: () => input.dataQuality,
    highlights: () => input.highlights.map((h) => `<li>${escapeHtml(h)}</li>`).join(''),
    definitions,
    data: () => JSON.stringify(input.charts).replace(/</g, '\\u003c'),
    echarts: () => inlineScript('echarts.min.js', echarts.code),
    client: () => inlineScript('the chart script', client),
  };
  // one pass with a replacer function: inserted text (CSS, scripts) is never rescanned or `$`-expanded
  return template.replace(/\{\{(\w+)(?::([^}]*))?\}\}/g, (_, name: string, arg: string | undefined) => {
    const f = fill[name];
    if (!f) throw new Error(`template placeholder {{${name}}} has no value`);
    return f(arg ?? '');
  });
}
