import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';
import { buildDashboard } from '../../dashboards/build-dashboard.js';
import { stagingFor } from '../exports/publish-local.js';
import type { Published } from '../exports/published.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';
import type { Target } from '../targets/target.js';
import { createViewsOn } from './create-views.js';
import { dashboardIo } from './dashboard.js';
import { exportOutputsOn } from './export-outputs.js';
import { describeTransform, runTransform } from './transform.js';

/** The steps of `ops refresh`, in order: catalog new data, rebuild the marts, publish their results. */
export const REFRESH_STEPS = [
  'crawl',
  'create-views',
  'transform',
  'export-outputs',
  'dashboard',
  'publish',
] as const;
export type RefreshStep = (typeof REFRESH_STEPS)[number];

/** What one refresh step is given: the target, the command's arguments, the staging folders, the run. */
interface StepContext {
  target: Target;
  opts: LakeOptions;
  staged: Published;
  runId: string;
}

/** Each step returns its one-line result. Results are built in `staged`; only `publish` replaces published ones. */
const STEPS: Record<RefreshStep, (c: StepContext) => Promise<string>> = {
  crawl: async ({ target, opts }) => (await target.crawl(opts)).line,
  'create-views': async ({ opts }) => {
    const r = await createViewsOn(opts);
    return `${r.views.length} views from ${r.files} files`;
  },
  transform: async ({ target, opts }) => {
    await target.dbt.configure(opts);
    return describeTransform(await runTransform(opts));
  },
  'export-outputs': async ({ opts, staged }) => {
    const r = await exportOutputsOn({ ...opts, out: staged.csvDir });
    return `${r.files.length} CSVs from the marts`;
  },
  dashboard: async ({ staged }) => {
    const d = await buildDashboard({ from: staged.csvDir, out: staged.dashboardDir }, dashboardIo);
    return `${d.pdfPages}-page dashboard, data as of ${d.asOf.slice(0, 7)}`;
  },
  publish: async ({ target, opts, staged, runId }) => (await target.publish(opts, staged, runId)).line,
};

/** A run's id: its UTC start to the second, `2026-12-01T221500Z` (sorts by time, safe in keys). */
export const refreshRunId = (at: Date): string =>
  at
    .toISOString()
    .replace(/[:-]|\.\d+/g, '')
    .slice(0, 15) + 'Z';

/** What a refresh did: each step's line, in order. */
export interface RefreshResult {
  runId: string;
  steps: { step: RefreshStep; line: string; seconds: number }[];
}

/**
 * Runs every refresh step on the target, building the CSVs and the dashboard in a staging folder
 * and publishing them only once all steps have succeeded: a failure leaves the previous published
 * results in place. Every step is idempotent, so re-running after a failure (or twice) is safe.
 * The staging folder is removed in every case. A failing step's OpsError is rethrown with the step named.
 */
export async function runRefresh(opts: LakeOptions, now = new Date()): Promise<RefreshResult> {
  const target = targetFor(opts.target);
  const runId = refreshRunId(now);
  const staged = stagingFor(opts.lake, runId);
  const steps: RefreshResult['steps'] = [];
  try {
    for (const step of REFRESH_STEPS) {
      progress(`refresh: ${step}`);
      const start = performance.now();
      const line = await STEPS[step]({ target, opts, staged, runId }).catch((err: unknown) => {
        if (err instanceof OpsError) {
          throw new OpsError(err.code, `refresh stopped at ${step}: ${err.message}`, err.hint, {
            cause: err,
          });
        }
        throw err;
      });
      steps.push({ step, line, seconds: (performance.now() - start) / 1000 });
    }
  } finally {
    await rm(path.dirname(staged.csvDir), { recursive: true, force: true });
  }
  return { runId, steps };
}

/** `ops refresh [--target local|aws]`: the unattended refresh the stack's runner runs after each load and daily. */
export const refreshCommand: CommandModule<object, LakeOptions> = {
  command: 'refresh',
  describe: `rebuild and publish the results from the data present now (${REFRESH_STEPS.join(', ')})`,
  builder: (y) =>
    withTargetOptions(y).epilogue(
      'Published results are replaced only when every step succeeded. Locally they are <lake>/analytics_outputs ' +
        'and <lake>/dashboard; on aws the analytics bucket (analytics_outputs/, reports/latest/, reports/<run>/).',
    ),
  handler: async (opts) => {
    const start = performance.now();
    const r = await runRefresh(opts);
    printSummary(
      `refresh ${r.runId} done in ${elapsed(start)}`,
      Object.fromEntries(r.steps.map((s) => [s.step, `${s.line} (${s.seconds.toFixed(1)} s)`])),
    );
  },
};
