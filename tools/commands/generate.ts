import cliProgress from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import { DATASET_DEFAULTS, type GenerateSummary, STORE_OPENS_MONTH } from '../generator/index.js';
import { parseCount } from '../lib/count-option.js';
import { checkWorkers, type LakeOptions } from '../lib/options.js';
import { describeWorkers, elapsed, formatCount, printSummary } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';
import type { Target } from '../targets/target.js';

/**
 * The flags that define a dataset, shared by `ops generate` and `ops pipeline`, as typed: counts
 * are read by `datasetRequest` in the handler, so a refusal is an OpsError with its code and hint
 * (yargs would flatten an error thrown while parsing into a bare message).
 */
export interface GenerateFlags {
  from: string;
  months: string | number;
  'orders-per-month': string | number;
  seed: string | number;
  force: boolean;
  workers?: number;
}

/** The generator's request from the flags; a count that is not a whole number is refused here. */
export function datasetRequest(args: GenerateFlags) {
  return {
    from: args.from,
    months: parseCount('--months', args.months),
    ordersPerMonth: parseCount('--orders-per-month', args['orders-per-month'], { suffixes: true }),
    seed: parseCount('--seed', args.seed),
    force: args.force,
  };
}

interface GenerateArgs extends LakeOptions, GenerateFlags {}

/** Targets that can generate raw files (those whose pipeline starts with it). */
export const generates = (target: Target): boolean => target.pipeline.includes('generate');

/**
 * Adds the dataset flags (defaults: the demo dataset). Counts are read as typed (`5k`, `1.5M`)
 * and anything else is refused with what is expected; ranges are checked by the generator.
 */
export function withGenerateOptions<T>(y: Argv<T>): Argv<T & GenerateFlags> {
  return y
    .option('from', {
      type: 'string',
      default: DATASET_DEFAULTS.from,
      describe: `first month, YYYY-MM (the simulated store opens ${STORE_OPENS_MONTH})`,
    })
    .option('months', {
      type: 'string',
      default: DATASET_DEFAULTS.months,
      describe: 'number of consecutive months',
    })
    .option('orders-per-month', {
      type: 'string',
      default: DATASET_DEFAULTS.ordersPerMonth,
      describe:
        'average orders per month over a year, e.g. 5000, 5k or 1.5M; seasonality makes months differ (Nov/Dec ~1.3-1.5x, Jul ~0.85x)',
    })
    .option('seed', {
      type: 'string',
      default: DATASET_DEFAULTS.seed,
      describe: 'random seed; the same flags give byte-identical files',
    })
    .option('force', {
      type: 'boolean',
      default: false,
      describe: 'overwrite existing raw files whose content would change',
    }) as unknown as Argv<T & GenerateFlags>;
}

/** What a generate run did, truthfully: `3 file(s) written, 9 unchanged; 15,000 orders`. */
export function describeGenerate(s: GenerateSummary): string {
  const written = s.files.length - s.skipped;
  return `${written} file(s) written, ${s.skipped} unchanged; ${formatCount(s.orders)} orders`;
}

/** `ops generate`: writes the raw monthly order files of the local lake. */
export const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'write synthetic monthly order files (JSON Lines) to <lake>/raw/store_sales/',
  builder: (y) =>
    withGenerateOptions(withTargetOptions(y, { targetFlags: false, only: generates }))
      .option('workers', {
        type: 'number',
        describe:
          'months generated at once, each in its own process (default: one per core from 20,000 orders); same files for any number',
      })
      .example('$0 generate', '12 months from 2025-01, ~5,000 orders a month, seed 42')
      .example('$0 generate --from 2025-06 --months 3 --orders-per-month 20000 --seed 7 --lake /tmp/lake', '')
      .epilogue(
        'Customers persist across months (a month depends only on the seed and size, not on what ' +
          'was generated before), so 2025-01 then 2025-02..03 equals 2025-01..03 at once. Existing ' +
          'identical files are left alone; files that would change need --force.',
      ),
  handler: async (args) => {
    const start = performance.now();
    const bar = new cliProgress.SingleBar(
      {
        format: 'generate [{bar}] {percentage}% | {value}/{total} orders | {eta_formatted} left',
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    try {
      const s = await targetFor(args.target).generate(args, {
        ...datasetRequest(args),
        ...(checkWorkers(args.workers, 'generate') ? { workers: args.workers } : {}),
        onProgress: (orders, expected) => {
          if (!started) bar.start(expected, 0);
          started = true;
          bar.update(Math.min(orders, expected));
        },
      });
      if (started) bar.update(bar.getTotal());
      bar.stop();
      const seconds = (performance.now() - start) / 1000;
      printSummary(`generate: ${describeGenerate(s)} in ${elapsed(start)}`, {
        orders: formatCount(s.orders),
        written: s.files.length - s.skipped,
        unchanged: s.skipped,
        size: `${(s.bytes / 1e6).toFixed(1)} MB`,
        rate: `${formatCount(Math.round(s.orders / seconds))} orders/s`,
        ...(s.workers
          ? { 'worker processes': describeWorkers(s.workers, s.workerMaxRssBytes, s.workerCpuSeconds) }
          : {}),
        where: `${args.lake}/${LAKE.rawPrefix}`,
      });
    } finally {
      bar.stop();
    }
  },
};
