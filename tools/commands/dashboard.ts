import type { CommandModule } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';
import { buildDashboard, type DashboardIo, type DashboardResult } from '../../dashboards/build-dashboard.js';
import { dashboardDocsLink } from '../docs/docs-link.js';
import { stopWithThisProcess } from '../lib/child-processes.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { type LakeOptions, resolvedPath, shellWord } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

/**
 * What every `ops` command gives the dashboard: atomic file writes, progress on stderr, and the
 * browser stopped with the command on a signal (tools/lib/child-processes.ts).
 */
export const dashboardIo: DashboardIo = {
  writeFile: writeFileAtomic,
  progress,
  stopOnSignal: stopWithThisProcess,
};

/**
 * The dashboard as `ops dashboard`, `pipeline` and `refresh` build it: from the CSVs in `from`
 * into `out`, its dbt docs link seen from `publishedDir`, the folder the page will be read from
 * (`out`, unless that is a staging folder).
 */
export async function buildLakeDashboard(opts: {
  target: string;
  lake: string;
  from: string;
  out: string;
  publishedDir?: string;
}): Promise<DashboardResult> {
  const dashboardDir = opts.publishedDir ?? opts.out;
  const docs = await dashboardDocsLink({ lake: opts.lake, target: opts.target, dashboardDir });
  return buildDashboard({ from: opts.from, out: opts.out, docs }, dashboardIo);
}

interface DashboardArgs extends LakeOptions {
  from?: string;
  out?: string;
}

/**
 * `ops dashboard [--from DIR] [--out DIR]`: renders the offline dashboard (HTML, PDF, PNG) from the
 * analytics CSVs only, so its figures are the same after a local or an AWS `export-outputs` (its
 * top bar links the dbt docs on the local target only: `dashboardDocsLink`).
 */
export const dashboardCommand: CommandModule<object, DashboardArgs> = {
  command: 'dashboard',
  describe: 'render the dashboard (index.html, dashboard.pdf, dashboard.png) from the exported CSVs',
  builder: (y) =>
    withTargetOptions(y, { targetFlags: false })
      .option('from', {
        type: 'string',
        describe: 'folder holding the analytics CSVs [default: <lake>/analytics_outputs]',
        coerce: resolvedPath('--from'),
      })
      .option('out', {
        type: 'string',
        describe: 'folder to write the dashboard to [default: <lake>/dashboard]',
        coerce: resolvedPath('--out'),
      }),
  handler: async (args) => {
    const start = performance.now();
    const published = targetFor(args.target).published(args);
    const result = await buildLakeDashboard({
      target: args.target,
      lake: args.lake,
      from: args.from ?? published.csvDir,
      out: args.out ?? published.dashboardDir,
    }).catch((err: unknown) => {
      throw args.from ? withExportTo(err, args.from) : err;
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

/**
 * A missing or malformed CSV read from `--from DIR`: the export to run writes there, not into the
 * lake (`npx ops export-outputs --out DIR`).
 */
function withExportTo(err: unknown, from: string): unknown {
  if (!(err instanceof OpsError) || !/^DASHBOARD_(BAD|MISSING)_OUTPUT$/.test(err.code)) return err;
  return new OpsError(
    err.code,
    err.message,
    `run \`npx ops export-outputs --out ${shellWord(from)}\` first (or pass --from the folder that holds the CSVs)`,
    { cause: err },
  );
}
