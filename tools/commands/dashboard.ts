import path from 'node:path';
import type { CommandModule } from 'yargs';
import { buildDashboard, type DashboardIo } from '../../dashboards/build-dashboard.js';
import { dashboardDocsHref } from '../docs/docs-link.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

/** What every `ops` command gives the dashboard: atomic file writes and progress on stderr. */
export const dashboardIo: DashboardIo = { writeFile: writeFileAtomic, progress };

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
    const published = targetFor(args.target).published(args);
    const out = args.out ?? published.dashboardDir;
    const docsHref = await dashboardDocsHref({ lake: args.lake, target: args.target, dashboardDir: out });
    const result = await buildDashboard({ from: args.from ?? published.csvDir, out, docsHref }, dashboardIo);
    printSummary(`dashboard done in ${elapsed(start)}`, {
      'data as of': result.asOf.slice(0, 7),
      months: result.months,
      html: `${result.html} (${(result.htmlBytes / 1024 / 1024).toFixed(1)} MiB, self-contained)`,
      pdf: `${result.pdf} (${result.pdfPages} pages)`,
      png: result.png,
    });
  },
};
