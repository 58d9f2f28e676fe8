import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import { STORE_OPENS_MONTH } from '../generator/index.js';
import { checkWorkers, type LakeOptions } from '../lib/options.js';
import { elapsed, formatCount, printSummary } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface GenerateArgs extends LakeOptions {
  from: string;
  months: number;
  'orders-per-month': number;
  seed: number;
  force: boolean;
  workers?: number;
}

/** `ops generate`: writes the raw monthly order files of the local lake. */
export const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'write synthetic monthly order files (JSON Lines) to <lake>/raw/store_sales/',
  builder: (y) =>
    withTargetOptions(y, { targetFlags: false })
      .option('from', {
        type: 'string',
        default: '2025-01',
        describe: `first month, YYYY-MM (the simulated store opens ${STORE_OPENS_MONTH})`,
      })
      .option('months', { type: 'number', default: 12, describe: 'number of consecutive months' })
      .option('orders-per-month', {
        type: 'number',
        default: 5000,
        describe:
          'average orders per month over a year; seasonality makes months differ (Nov/Dec ~1.3-1.5x, Jul ~0.85x)',
      })
      .option('seed', {
        type: 'number',
        default: 42,
        describe: 'random seed; the same flags give byte-identical files',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'overwrite existing raw files whose content would change',
      })
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
        from: args.from,
        months: args.months,
        ordersPerMonth: args['orders-per-month'],
        seed: args.seed,
        force: args.force,
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
      printSummary(`generated ${s.files.length} monthly file(s) in ${elapsed(start)}`, {
        orders: formatCount(s.orders),
        written: s.files.length - s.skipped,
        unchanged: s.skipped,
        size: `${(s.bytes / 1e6).toFixed(1)} MB`,
        rate: `${formatCount(Math.round(s.orders / seconds))} orders/s`,
        where: `${args.lake}/${LAKE.rawPrefix}`,
      });
    } finally {
      bar.stop();
    }
  },
};
