import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CommandModule } from 'yargs';
import type { LakeOptions } from '../lib/options.js';
import { compactProgress, elapsed, formatCount, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';
import type { PipelineStep, Target } from '../targets/target.js';
import { createViewsOn } from './create-views.js';
import { buildLakeDashboard } from './dashboard.js';
import { exportOutputsOn } from './export-outputs.js';
import { datasetRequest, describeGenerate, type GenerateFlags, withGenerateOptions } from './generate.js';
import { describeTransform, runTransform } from './transform.js';

/** `ops pipeline`'s arguments: the shared ones and the dataset flags its generate step uses. */
type PipelineArgs = LakeOptions & GenerateFlags;

/** Runs the work behind the `ops` command of the same name on a target; returns a one-line result. */
type StepRunner = (target: Target, opts: PipelineArgs) => Promise<string>;

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

/** Every step a target's pipeline may list. Each is idempotent, so re-running the pipeline is safe. */
const STEPS: Record<PipelineStep, StepRunner> = {
  generate: async (target, opts) => {
    const onProgress = tenths('orders');
    const s = await target.generate(opts, { ...datasetRequest(opts), onProgress });
    return describeGenerate(s);
  },
  upload: async (target, opts) =>
    (await target.upload(opts, { concurrency: 3, onProgress: tenths('bytes') })).line,
  etl: async (target, opts) => {
    let current = '';
    const r = await target.etl(opts, {
      onProgress: (p) => {
        if (p.key === current) return;
        current = p.key;
        progress(`  file ${p.index}/${p.total}: ${p.key}`);
      },
    });
    if (r.failure) throw r.failure;
    return r.line;
  },
  crawl: async (target, opts) => (await target.crawl(opts)).line,
  'create-views': async (_target, opts) => {
    const r = await createViewsOn(opts);
    return `${r.views.length} views from ${r.files} files`;
  },
  transform: async (target, opts) => {
    await target.dbt.configure(opts);
    return describeTransform(await runTransform(opts));
  },
  'export-outputs': async (_target, opts) => {
    const r = await exportOutputsOn(opts);
    return `${r.files.length} CSVs in ${r.outDir}`;
  },
  dashboard: async (target, opts) => {
    const { csvDir, dashboardDir } = target.published(opts);
    const d = await buildLakeDashboard({
      target: target.name,
      lake: opts.lake,
      from: csvDir,
      out: dashboardDir,
    });
    return `${d.html} (+ dashboard.pdf, ${d.pdfPages} pages; dashboard.png), data as of ${d.asOf.slice(0, 7)}`;
  },
};

export const pipelineCommand: CommandModule<object, PipelineArgs> = {
  command: 'pipeline',
  describe:
    'run every step that applies to the target, in order (local: generate, etl, crawl, create-views, ' +
    'transform, export-outputs, dashboard; trino: the same; aws: upload instead of generate)',
  builder: (y) =>
    withGenerateOptions(withTargetOptions(y, { only: (t) => t.pipeline.length > 0 }))
      .example('$0 pipeline --orders-per-month 20k --months 3 --from 2025-10 --seed 7', '')
      .epilogue(
        '`npm start` runs this with the defaults. The dataset flags apply where the pipeline generates ' +
          '(local, trino); on aws the raw files come from the lake (`npx ops generate` first) and the ' +
          'ETL step invokes the deployed function.',
      ),
  handler: async (opts) => {
    const target = targetFor(opts.target);
    // a malformed count is refused before any step runs (only where the pipeline generates)
    if (target.pipeline.includes('generate')) datasetRequest(opts);
    const start = performance.now();
    const results: Record<string, string> = {};
    for (const [i, step] of target.pipeline.entries()) {
      process.stderr.write(`[${i + 1}/${target.pipeline.length}] ${step}\n`);
      const t = performance.now();
      results[step] = `${await compactProgress(() => STEPS[step](target, opts))} (${elapsed(t)})`;
    }
    printSummary(`\npipeline (${target.name}) done in ${elapsed(start)}; lake: ${opts.lake}`, results);
    const html = pathToFileURL(path.join(target.published(opts).dashboardDir, 'index.html')).href;
    process.stdout.write(`\nopen the dashboard: ${html}\n`);
  },
};
