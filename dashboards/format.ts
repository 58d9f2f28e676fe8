/**
 * Number and month formatting shared by the HTML renderer (Node) and the chart script (browser),
 * so a KPI tile and a tooltip never disagree. Money is USD; rates are fractions (0.2345 = 23.45 %).
 * Fixed `en-US` locale: the dashboard reads the same on every machine.
 */
const usdExact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const usdCompact = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const usdShort = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumSignificantDigits: 3,
});
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pct1 = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const pctAxis = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const pct2 = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const signedPct1 = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const signedPct2 = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: 'exceptZero',
});
const monthShort = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** `$25,502,110.35`: exact, for tooltips and tile footnotes. */
export const fmtUsd = (v: number): string => usdExact.format(v);
/** `$25.5M`: compact, for axes and headline figures. */
export const fmtUsdCompact = (v: number): string => usdCompact.format(v);
/** `$421K`, `$1.25M`: three significant digits, for bar labels in narrow columns. */
export const fmtUsdShort = (v: number): string => usdShort.format(v);
/** `61,234`. */
export const fmtInt = (v: number): string => integer.format(v);
/** `23.4%` (axes, headline figures). */
export const fmtPct = (v: number): string => pct1.format(v);
/** `20%`, `2.5%` (axis ticks). */
export const fmtPctAxis = (v: number): string => pctAxis.format(v);
/** `23.45%` (tooltips). */
export const fmtPctExact = (v: number): string => pct2.format(v);
/** `+4.2%` / `-3.1%`: growth, always signed. */
export const fmtGrowth = (v: number): string => signedPct1.format(v);
/** `+4.23%`: growth in tooltips. */
export const fmtGrowthExact = (v: number): string => signedPct2.format(v);
/** `—` for an undefined value (MoM of the first month, churn of the last). */
export const fmtMaybe = (v: number | null, f: (n: number) => string): string => (v === null ? '—' : f(v));

/** Escapes text for HTML (page markup and chart tooltips, which ECharts renders as HTML). */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `2025-01-01` (a month as the exports write it) → `Jan 2025`. */
export const fmtMonth = (isoMonth: string): string => monthShort.format(new Date(`${isoMonth}T00:00:00Z`));
