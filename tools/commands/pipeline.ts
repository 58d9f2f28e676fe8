import { pathToFileURL } from 'node:url';
import type { CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import { buildDashboard } from '../../dashboards/build-dashboard.js';
import { crawlLocal } from '../catalog/crawl-local.js';
import { createViewsOn } from '../catalog/create-views.js';
import { describeLocalEtl, throwIfEtlFailed } from '../etl/etl-summary.js';
import { runLocalEtl } from '../etl/run-local-etl.js';
import { exportOutputsOn } from '../exports/export-outputs.js';
import { generateDataset } from '../generator/index.js';
import { OpsError } from '../lib/errors.js';
import { lakePath } from '../lib/lake-path.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, formatCount, printSummary, progress } from '../lib/report.js';
import { dashboardIo } from './dashboard.js';
import { describeTransform, runTransform } from './transform.js';

/** Default demo dataset: a year of data a newcomer waits seconds for. */
export const PIPELINE_DEFAULTS = { from: '2025-01', months: 12, ordersPerMonth: 5000, seed: 42 } as const;

interface Step {
  name: string;
  /** Runs the library function behind the `ops` command of the same name; returns a one-line result. */
  run: (opts: LakeOptions) => Promise<string>;
}

/** Progress callback printing at most one line per 10 % step (the pipeline log stays short). */
function tenths(label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const tenth = total ? Math.floor((done / total) * 10) : 10;
    if (tenth === last) return;
    last = tenth;
    progress(`  ${label} ${Math.min(100, tenth * 10)}% (${formatCount(done)} / ${formatCount(total)})`);
  };
}

/** The local pipeline, in order. Each step is idempotent, so re-running the pipeline is safe. */
const steps: Step[] = [
  {
    name: 'generate',
    run: async ({ lake }) => {
      const onProgress = tenths('orders');
      const s = await generateDataset({ lake, ...PIPELINE_DEFAULTS, force: false, onProgress });
      return `${formatCount(s.orders)} orders in ${s.files.length} files (${s.skipped} unchanged)`;
    },
  },
  {
    name: 'etl',
    run: async ({ lake }) => {
      let current = '';
      const s = await runLocalEtl({
        lake,
        onProgress: (p) => {
          if (p.key === current) return;
          current = p.key;
          progress(`  file ${p.index}/${p.total}: ${p.key}`);
        },
      });
      throwIfEtlFailed(s);
      return describeLocalEtl(s);
    },
  },
  {
    name: 'crawl',
    run: async ({ lake }) => {
      const [orders, items] = (await crawlLocal({ lake })).tables;
      return `fact_orders ${formatCount(orders?.rows ?? 0)} rows, fact_order_items ${formatCount(items?.rows ?? 0)} rows, ${orders?.partitions.length} partitions`;
    },
  },
  {
    name: 'create-views',
    run: async (opts) => {
      const r = await createViewsOn(opts);
      return `${r.views.length} views from ${r.files} files`;
    },
  },
  {
    name: 'transform',
    run: async (opts) => describeTransform(await runTransform(opts)),
  },
  {
    name: 'export-outputs',
    run: async (opts) => {
      const r = await exportOutputsOn(opts);
      return `${r.files.length} CSVs in ${r.outDir}`;
    },
  },
  {
    name: 'dashboard',
    run: async ({ lake }) => {
      const d = await buildDashboard(
        {
          from: lakePath(lake, LAKE.csvExports),
          out: lakePath(lake, LAKE.dashboard),
        },
        dashboardIo,
      );
      return `${d.html} (+ dashboard.pdf, ${d.pdfPages} pages; dashboard.png), data as of ${d.asOf.slice(0, 7)}`;
    },
  },
];

export const pipelineCommand: CommandModule<object, LakeOptions> = {
  command: 'pipeline',
  describe:
    'run every local step in order: generate, etl, crawl, create-views, transform, export-outputs, dashboard',
  builder: (y) =>
    withLakeOptions(y).epilogue(
      `Default data: ${JSON.stringify(PIPELINE_DEFAULTS)}. \`npm start\` runs this.`,
    ),
  handler: async (opts) => {
    if (opts.target !== 'local') {
      throw new OpsError(
        'PIPELINE_LOCAL_ONLY',
        'the pipeline runs the local steps',
        'on aws run `ops upload`, `crawl`, `create-views`, `transform` and `export-outputs` with --target aws (README, "Running on AWS")',
      );
    }
    const start = performance.now();
    const results: Record<string, string> = {};
    for (const [i, step] of steps.entries()) {
      process.stderr.write(`\n[${i + 1}/${steps.length}] ${step.name}\n`);
      const t = performance.now();
      results[step.name] = `${await step.run(opts)} (${elapsed(t)})`;
    }
    printSummary(`\npipeline done in ${elapsed(start)}; lake: ${opts.lake}`, results);
    const html = pathToFileURL(lakePath(opts.lake, `${LAKE.dashboard}index.html`)).href;
    process.stdout.write(`\nopen the dashboard: ${html}\n`);
  },
};
