import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../dashboards/print.js';

/** What happened while a page loaded: console errors, page errors, and every request it made. */
export interface LoadReport {
  page: Page;
  errors: string[];
  /** Requests other than the page's own file and data: URLs (each was aborted). */
  foreignRequests: string[];
}

/** Launches the same Chromium the generator uses (Debian's, or CHROMIUM_PATH). */
export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });

/**
 * Opens `htmlFile` from file:// in a fresh context, recording every request (any request other
 * than the file itself or a data: URL is aborted and reported) and every console/page error,
 * optionally with a `hash` (`#country=US`: the dashboard's filter state),
 * then waits for the chart script's ready flag (or 15 s).
 */
export async function loadOffline(browser: Browser, htmlFile: string, hash = ''): Promise<LoadReport> {
  const url = pathToFileURL(htmlFile).href;
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  await context.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested === url || requested.startsWith('data:')) return route.continue();
    foreignRequests.push(requested);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + hash);
  await page
    .waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 15_000 })
    .catch(() => errors.push('ready flag never set'));
  return { page, errors, foreignRequests };
}

/** Per chart container: its id, ECharts series (and how many have no data), SVG size and path count. */
export function inspectCharts(page: Page) {
  return page.$$eval('[data-chart]', (els) =>
    els.map((el) => {
      const { echarts } = window as unknown as { echarts: typeof import('echarts') };
      const option = echarts.getInstanceByDom(el as HTMLElement)?.getOption();
      const series = (option?.series ?? []) as { data?: unknown[] }[];
      const box = el.querySelector('svg')?.getBoundingClientRect();
      return {
        id: (el as HTMLElement).dataset.chart,
        series: series.length,
        seriesWithoutData: series.filter((s) => !s.data?.some((v) => v !== null)).length,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        paths: el.querySelectorAll('svg path').length,
      };
    }),
  );
}

/** Pages of a PDF, counted from its `/Type /Page` objects (not `/Pages`). */
export const countPdfPages = (pdf: Buffer): number =>
  pdf.toString('latin1').split(/\/Type\s*\/Page(?![a-zA-Z])/).length - 1;

/** Width and height of a PNG from its IHDR chunk. */
export const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

/**
 * Per chart, what makes it honest or misleading: each drawn series' type and value-axis minimum
 * (the drawn extent, after ECharts fitted it), the largest value, the category labels, and
 * whether its figure marks an axis that does not start at zero.
 */
export function inspectAxes(page: Page) {
  return page.$$eval('[data-chart]', (els) =>
    els.map((el) => {
      const { echarts } = window as unknown as { echarts: typeof import('echarts') };
      const chart = echarts.getInstanceByDom(el as HTMLElement)!;
      // biome-ignore lint/suspicious/noExplicitAny: ECharts' model API is not in its public types
      const model = (chart as any).getModel();
      const option = chart.getOption() as {
        series: { type: string; name: string; yAxisIndex?: number; data: unknown[] }[];
        xAxis: { type: string; data?: string[]; show?: boolean }[];
        yAxis: { type: string; data?: string[]; show?: boolean }[];
      };
      const valueDim = option.yAxis[0]?.type === 'value' ? 'yAxis' : 'xAxis';
      const categoryAxis = option.xAxis[0]?.type === 'category' ? option.xAxis[0] : option.yAxis[0];
      const num = (v: unknown): number | null => {
        const raw = v !== null && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
        return typeof raw === 'number' ? raw : null;
      };
      return {
        id: (el as HTMLElement).dataset.chart!,
        series: option.series.map((s) => {
          const values = s.type === 'heatmap' ? [] : s.data.map(num).filter((v): v is number => v !== null);
          const axis = model.getComponent(valueDim, s.yAxisIndex ?? 0)?.axis;
          return {
            type: s.type,
            name: s.name,
            axisMin: s.type === 'heatmap' ? null : (axis?.scale.getExtent()[0] as number),
            minValue: values.length ? Math.min(...values) : null,
          };
        }),
        valueAxes: option[valueDim].filter((a) => a.show !== false).length,
        categories: categoryAxis?.data ?? [],
        axisNote: !!el.closest('figure')?.querySelector('[data-axis-note]'),
      };
    }),
  );
}
