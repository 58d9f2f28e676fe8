import path from 'node:path';
import type { CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import { buildDashboard, type DashboardIo } from '../../dashboards/build-dashboard.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { lakePath } from '../lib/lake-path.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';

interface DashboardArgs extends LakeOptions {
  from?: string;
  out?: string;
}

/** What every `ops` command gives the dashboard: atomic file writes and progress on stderr. */
export const dashboardIo: DashboardIo = { writeFile: writeFileAtomic, progress };

/**
 * `ops dashboard [--from DIR] [--out DIR]`: renders the offline dashboard (HTML, PDF, PNG) from the
 * analytics CSVs only, so it is the same after a local or an AWS `export-outputs`.
 */
export const dashboardCommand: CommandModule<object, DashboardArgs> = {
  command: 'dashboard',
  describe: 'render the dashboard (index.html, dashboard.pdf, dashboard.png) from the exported CSVs',
  builder: (y) =>
    withLakeOptions(y)
      .option('from', {
        type: 'string',
        describe: 'folder holding the analytics CSVs [default: <lake>/analytics_outputs]',
        coerce: (p: string) => path.resolve(p),
      })
      .option('out', {
        type: 'string',
        describe: 'folder to write the dashboard to [default: <lake>/dashboard]',
        coerce: (p: string) => path.resolve(p),
      }),
  handler: async (args) => {
    const start = performance.now();
    const result = await buildDashboard(
      {
        from: args.from ?? lakePath(args.lake, LAKE.csvExports),
        out: args.out ?? lakePath(args.lake, LAKE.dashboard),
      },
      dashboardIo,
    );
    printSummary(`dashboard done in ${elapsed(start)}`, {
      'data as of': result.asOf.slice(0, 7),
      months: result.months,
      html: `${result.html} (${(result.htmlBytes / 1024 / 1024).toFixed(1)} MiB, self-contained)`,
      pdf: `${result.pdf} (${result.pdfPages} pages)`,
      png: result.png,
    });
  },
};
