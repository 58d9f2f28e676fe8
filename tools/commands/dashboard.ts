import path from 'node:path';
import type { CommandModule } from 'yargs';
import { buildDashboard } from '../../dashboards/build-dashboard.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface DashboardArgs extends LakeOptions {
  from?: string;
  out?: string;
}

/**
 * `ops dashboard [--from DIR] [--out DIR]`: renders the offline dashboard (HTML, PDF, PNG) from the
 * analytics CSVs only, so it is the same after a local or an AWS `export-outputs`.
 */
export const dashboardCommand: CommandModule<object, DashboardArgs> = {
  command: 'dashboard',
  describe: 'render the dashboard (index.html, dashboard.pdf, dashboard.png) from the exported CSVs',
  builder: (y) =>
    withTargetOptions(y, { targetFlags: false })
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
    const result = await buildDashboard({
      from: args.from ?? targetFor(args.target).published(args).csvDir,
      out: args.out ?? targetFor(args.target).published(args).dashboardDir,
    });
    printSummary(`dashboard done in ${elapsed(start)}`, {
      'data as of': result.asOf.slice(0, 7),
      months: result.months,
      html: `${result.html} (${(result.htmlBytes / 1024 / 1024).toFixed(1)} MiB, self-contained)`,
      pdf: `${result.pdf} (${result.pdfPages} pages)`,
      png: result.png,
    });
  },
};
