import type { EChartsOption } from 'echarts';

type Axis = { type?: string; data?: unknown[] };
type Series = {
  name?: string;
  type?: string;
  data?: unknown[];
  tooltip?: { valueFormatter?: (v: unknown) => string };
};

const cellText = (v: unknown, format?: (v: unknown) => string): string => {
  const raw = v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
  if (raw === null || raw === undefined) return '—';
  return format ? format(raw) : String(raw);
};

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The text alternative of a chart: its numbers as an HTML table (one row per category of the
 * category axis, one column per series, values formatted as the tooltip formats them). Heatmaps
 * give one row per y category and one column per x category. Screen readers read it; sighted
 * readers open it under the chart.
 */
export function dataTable(option: EChartsOption, caption: string): string {
  const xs = ([] as Axis[]).concat((option.xAxis as Axis | Axis[]) ?? []);
  const ys = ([] as Axis[]).concat((option.yAxis as Axis | Axis[]) ?? []);
  const series = ([] as Series[]).concat((option.series as Series | Series[]) ?? []);
  const head = (cells: string[]) => `<tr>${cells.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr>`;
  const row = (label: string, cells: string[]) =>
    `<tr><th scope="row">${esc(label)}</th>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  let body = '';
  if (series.some((s) => s.type === 'heatmap')) {
    const cols = (xs[0]?.data ?? []).map(String);
    const rows = (ys[0]?.data ?? []).map(String);
    const grid = rows.map(() => cols.map(() => '—'));
    for (const s of series) {
      const format = s.tooltip?.valueFormatter;
      for (const d of s.data ?? []) {
        const [x, y, v] = (d as { value: number[] }).value;
        grid[y!]![x!] = format ? format(v) : `${((v ?? 0) * 100).toFixed(1)}%`;
      }
    }
    body = head(['', ...cols]) + rows.map((r, i) => row(r, grid[i]!)).join('');
  } else {
    const categoryAxis = [...xs, ...ys].find((a) => a.type === 'category');
    const labels = (categoryAxis?.data ?? []).map(String);
    body =
      head(['', ...series.map((s) => s.name ?? '')]) +
      labels
        .map((label, i) =>
          row(
            label,
            series.map((s) => cellText(s.data?.[i], s.tooltip?.valueFormatter)),
          ),
        )
        .join('');
  }
  return `<table><caption>${esc(caption)}</caption>${body}</table>`;
}
