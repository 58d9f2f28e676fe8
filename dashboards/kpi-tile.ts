import { DEFINITIONS } from './definitions.js';
import { escapeHtml } from './format.js';
import type { Kpi } from './kpis.js';

/**
 * One KPI tile's markup, shared by the page (Node) and the chart script, which redraws the tiles
 * under a filter. `data-value` carries the raw number so tests can hold it against the CSVs.
 */
export const kpiTile = (k: Kpi): string =>
  `<article class="kpi kpi--${k.tone}" data-kpi="${k.id}" data-value="${k.value ?? ''}" title="${escapeHtml(DEFINITIONS[k.definition][1])}">` +
  `<h2>${escapeHtml(k.label)}</h2><p class="kpi-value">${escapeHtml(k.headline)}</p>` +
  `<p class="kpi-exact"><b>${escapeHtml(k.exact)}</b> · <span class="kpi-scope">${escapeHtml(k.scope)}</span></p>` +
  `<p class="kpi-detail">${escapeHtml(k.detail)}</p></article>`;
