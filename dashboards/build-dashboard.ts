import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { OpsError } from '../contracts/ops-error.js';
import { buildChartData } from './chart-data.js';
import { renderDataQuality } from './data-quality.js';
import { buildHighlights } from './highlights.js';
import { buildKpis } from './kpis.js';
import { printDashboard } from './print.js';
import { readOutputs, readRunMetadata } from './read-outputs.js';
import { type DocsLink, renderHtml } from './render-html.js';

/** Where to read the exports and write the dashboard; `generatedAt` pins the page's timestamp. */
export interface DashboardOptions {
  from: string;
  out: string;
  generatedAt?: Date;
  /** The top bar's dbt docs (the `ops` commands' `dashboardDocsLink`); default: none. */
  docs?: DocsLink | undefined;
}

/**
 * The I/O the dashboard borrows from its caller, so dashboards/ needs nothing of the CLI: the `ops`
 * commands pass their atomic write and stderr progress (`dashboardIo` in tools/commands/dashboard.ts).
 */
export interface DashboardIo {
  /** Writes a whole file so that readers see the old content or the new, never a partial one. */
  writeFile: (file: string, data: string | Uint8Array) => Promise<void>;
  /** Reports one step to the user, as a line of text. */
  progress: (message: string) => void;
  /**
   * Given how to close the browser while it prints: the CLI closes it if told to stop by a signal,
   * then ends by that signal. Returns the unregister.
   */
  stopOnSignal?: (stop: () => Promise<void>) => () => void;
}

/** What was written: absolute paths, the PDF's page count, the months covered and the HTML size. */
export interface DashboardResult {
  html: string;
  pdf: string;
  png: string;
  pdfPages: number;
  months: number;
  asOf: string;
  htmlBytes: number;
}

/**
 * Builds `<out>/index.html` (self-contained, opens offline) from the analytics CSVs in `from` (and
 * the run_metadata.json beside them, if any), then
 * prints `dashboard.pdf` and `dashboard.png` with headless Chromium. Every file is written
 * atomically (`io.writeFile`). If printing fails (no Chromium, a page error) the HTML stays — it
 * needs no browser to build — but any older PDF/PNG is removed so the three never disagree, and the
 * error is thrown.
 */
export async function buildDashboard(opts: DashboardOptions, io: DashboardIo): Promise<DashboardResult> {
  io.progress(`dashboard: reading exports from ${opts.from}`);
  const outputs = await readOutputs(opts.from);
  const metadata = await readRunMetadata(opts.from);
  const charts = buildChartData(outputs);
  const html = await renderHtml({
    kpis: buildKpis(charts),
    highlights: buildHighlights(charts),
    charts,
    dataQuality: renderDataQuality(outputs['data_quality.csv'], metadata),
    generatedAt: opts.generatedAt ?? new Date(),
    docs: opts.docs,
  });
  const files = {
    html: path.join(opts.out, 'index.html'),
    pdf: path.join(opts.out, 'dashboard.pdf'),
    png: path.join(opts.out, 'dashboard.png'),
  };
  await io.writeFile(files.html, html);
  io.progress(`dashboard: wrote ${files.html}; printing PDF and PNG with headless Chromium`);
  let printed: Awaited<ReturnType<typeof printDashboard>>;
  try {
    printed = await printDashboard(files.html, io.stopOnSignal);
  } catch (err) {
    await Promise.all([rm(files.pdf, { force: true }), rm(files.png, { force: true })]);
    const written = `${files.html} was written; dashboard.pdf and dashboard.png were not`;
    if (err instanceof OpsError)
      throw new OpsError(err.code, `${err.message} (${written})`, err.hint, { cause: err });
    throw new OpsError(
      'DASHBOARD_PRINT_FAILED',
      `printing failed: ${(err as Error).message} (${written})`,
      'check that Chromium starts: chromium --headless --no-sandbox --version',
      { cause: err },
    );
  }
  await io.writeFile(files.pdf, printed.pdf);
  await io.writeFile(files.png, printed.png);
  return {
    ...files,
    pdfPages: printed.pages,
    months: charts.months.length,
    asOf: charts.months.at(-1)!,
    htmlBytes: (await stat(files.html)).size,
  };
}
