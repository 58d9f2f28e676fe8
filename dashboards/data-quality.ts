import { martsOlderThanEtl, type RunMetadata } from '../contracts/csv-exports.js';
import { escapeHtml, fmtInt, fmtMonth, fmtPctExact } from './format.js';
import { humanLabel } from './labels.js';
import type { OutputRow } from './read-outputs.js';

/**
 * The data-quality section (docs/dashboard.md, "Data quality"), rendered as plain HTML tables
 * from data_quality.csv and run_metadata.json: no chart script, so it reads the same with a
 * screen reader, in print and with scripts off. The filters do not apply: it counts records,
 * not sales.
 */

type QualityRow = OutputRow<'data_quality.csv'>;

/** A count that may be unknown (the quarantine files are not catalogued on this target). */
const count = (n: number | null): string => (n === null ? 'unknown' : fmtInt(n));

const share = (part: number | null, whole: number | null): string =>
  part === null || whole === null || whole === 0 ? '—' : fmtPctExact(part / whole);

/** `2026-12-02T01:13:14.701Z` → `2026-12-02 01:13 UTC`. */
const when = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const th = (text: string, scope: 'col' | 'row' = 'col') => `<th scope="${scope}">${escapeHtml(text)}</th>`;
const td = (text: string, attrs = '') => `<td${attrs}>${escapeHtml(text)}</td>`;

function table(caption: string, head: string[], body: string[], attrs = ''): string {
  return (
    `<table class="dq-table"${attrs}><caption>${escapeHtml(caption)}</caption>` +
    `<thead><tr>${head.map((h) => th(h)).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`
  );
}

interface Totals {
  read: number | null;
  loaded: number;
  quarantined: number | null;
}

/** Adds up file totals; an unknown count makes the sum unknown (never a silent zero). */
function addUp(rows: QualityRow[]): Totals {
  const sum = (pick: (r: QualityRow) => number | null): number | null =>
    rows.some((r) => pick(r) === null) ? null : rows.reduce((s, r) => s + (pick(r) ?? 0), 0);
  return {
    read: sum((r) => r.records_read),
    loaded: rows.reduce((s, r) => s + (r.records_loaded ?? 0), 0),
    quarantined: sum((r) => r.records_quarantined),
  };
}

function freshness(rows: QualityRow[], meta: RunMetadata | null): string {
  const latest =
    rows
      .map((r) => r.latest_order_date)
      .sort()
      .at(-1) ?? '';
  const items: [string, string, string][] = [
    ['latest-order', 'Latest order', latest || 'no order loaded'],
    [
      'last-etl-run',
      'Last ETL run',
      meta
        ? meta.last_etl_run
          ? when(meta.last_etl_run)
          : 'not recorded on this target'
        : 'no run metadata',
    ],
    ['last-refresh', 'Last refresh', meta ? when(meta.refreshed_at) : 'no run metadata'],
  ];
  const stale =
    meta && martsOlderThanEtl(meta)
      ? '<p class="dq-stale" data-freshness="stale"><b>Out of date:</b> the dbt build behind these results started before the last ETL run ended, so data that run loaded may be missing. Run <code>npx ops transform</code>, then export again.</p>'
      : '';
  return `${stale}<dl class="dq-freshness">${items
    .map(
      ([id, label, value]) =>
        `<div data-freshness="${id}"><dt>${label}</dt><dd>${escapeHtml(value)}</dd></div>`,
    )
    .join('')}</dl>`;
}

function dbtSummary(meta: RunMetadata | null): string {
  const dbt = meta?.dbt;
  if (!dbt) return '<p data-dbt-summary="none">No dbt test results were recorded with this export.</p>';
  const kinds: [
    string,
    keyof Omit<NonNullable<RunMetadata['dbt']>, 'generated_at' | 'started_at' | 'problems'>,
  ][] = [
    ['Models', 'models'],
    ['Data tests', 'data_tests'],
    ['Unit tests', 'unit_tests'],
  ];
  const body = kinds.map(([label, key]) => {
    const c = dbt[key];
    return `<tr data-dbt-kind="${key}">${th(label, 'row')}${[c.passed, c.warned, c.failed, c.skipped]
      .map((n) => td(fmtInt(n)))
      .join('')}</tr>`;
  });
  const problems = dbt.problems.length
    ? `<ul class="dq-problems">${dbt.problems
        .map((p) => `<li><b>${escapeHtml(p.status)}</b> ${escapeHtml(p.name)}</li>`)
        .join('')}</ul>`
    : '<p>Every model and test passed.</p>';
  return (
    table(
      `dbt build of ${when(dbt.generated_at)}`,
      ['Nodes', 'Passed', 'Warned', 'Failed', 'Skipped'],
      body,
      ' data-dbt-summary',
    ) + problems
  );
}

/** The section's body: freshness, dbt results, records per month, per file and by reason. */
export function renderDataQuality(rows: QualityRow[], meta: RunMetadata | null): string {
  const files = rows.filter((r) => r.reason === 'all');
  const reasonRows = rows.filter((r) => r.reason !== 'all');
  const reasons = [...new Set(reasonRows.map((r) => r.reason))].sort();
  const quarantinedFor = (file: string, reason: string): number =>
    reasonRows.find((r) => r.source_file === file && r.reason === reason)?.records_quarantined ?? 0;

  const months = [...new Set(files.map((r) => r.month))];
  const monthBody = months.map((m) => {
    const t = addUp(files.filter((r) => r.month === m));
    return `<tr data-dq-month="${m}">${th(m ? fmtMonth(m) : 'No month in the file name', 'row')}${td(count(t.read))}${td(fmtInt(t.loaded))}${td(count(t.quarantined))}${td(share(t.quarantined, t.read))}</tr>`;
  });
  const all = addUp(files);
  monthBody.push(
    `<tr class="dq-total" data-dq-month="total">${th('All months', 'row')}${td(count(all.read))}${td(fmtInt(all.loaded))}${td(count(all.quarantined))}${td(share(all.quarantined, all.read))}</tr>`,
  );

  const fileBody = files.map(
    (r) =>
      `<tr data-dq-file="${escapeHtml(r.source_file)}">${th(r.source_file, 'row')}${td(r.month ? fmtMonth(r.month) : '—')}` +
      `${td(count(r.records_read))}${td(fmtInt(r.records_loaded ?? 0))}${td(count(r.records_quarantined), ' data-dq-quarantined')}` +
      `${reasons.map((reason) => td(fmtInt(quarantinedFor(r.source_file, reason)), ` data-dq-reason="${reason}"`)).join('')}</tr>`,
  );
  const unknown = files.some((r) => r.records_quarantined === null)
    ? '<p class="dq-note">“unknown”: this target does not catalog the quarantine files yet, so records read and quarantined cannot be counted (loaded rows can).</p>'
    : '';
  const none =
    !reasons.length && !unknown ? '<p class="dq-note" data-dq-clean>No record was quarantined.</p>' : '';

  return (
    '<div class="dq-grid">' +
    `<div class="card"><h3>Freshness</h3>${freshness(files, meta)}</div>` +
    `<div class="card"><h3>dbt tests</h3>${dbtSummary(meta)}</div>` +
    `<div class="card"><h3>Records by month</h3>${table(
      'Records read, loaded and quarantined per month of the source files',
      ['Month', 'Read', 'Loaded', 'Quarantined', 'Quarantined share'],
      monthBody,
      ' data-dq-months',
    )}</div>` +
    `<div class="card dq-wide"><h3>Records by source file and quarantine reason</h3>${table(
      'Per raw source file: records read, loaded, quarantined, and quarantined records by reason',
      ['Source file', 'Month', 'Read', 'Loaded', 'Quarantined', ...reasons.map(humanLabel)],
      fileBody,
      ' data-dq-files',
    )}${unknown}${none}</div>` +
    '</div>'
  );
}
