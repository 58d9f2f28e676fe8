/**
 * `npm run bench [part…] [-- --orders N] [--keep] [--lake DIR]`: runs the benchmark parts in order
 * and prints their figures. Each part lives in its own module and prints its figures and the ratio
 * to its reference or target. Parts: see `parts` below; with no argument, all but `scale` (minutes,
 * gigabytes; run it by name). `--orders` sets the size a part generates (etl: orders in the file;
 * scale: orders in all; dbt and duplicates: orders per month); generated data in the OS temp folder is removed
 * afterwards unless `--keep`; `--lake` is the lake `parquet` measures (default ./lake), and for
 * `scale` the folder its new lake is made in (default the OS temp folder; e.g. /dev/shm).
 */
import { parseArgs } from 'node:util';
import { parseCount } from '../lib/count-option.js';
import { BenchFailure, type BenchOptions } from './bench-options.js';
import { run as dbtBench } from './dbt-bench.js';

interface BenchPart {
  name: string;
  /** Only when asked for by name. */
  explicit?: boolean;
  run: (options: BenchOptions) => Promise<void>;
}

const parts: BenchPart[] = [
  { name: 'generate', run: async () => (await import('./generate-bench.js')).run() },
  { name: 'etl', run: async (o) => (await import('./etl-bench.js')).run(o) },
  { name: 'analytics', run: async () => (await import('./analytics-bench.js')).run() },
  { name: 'dbt', run: dbtBench },
  { name: 'parquet', run: async (o) => (await import('./parquet-bench.js')).run(o) },
  { name: 'duplicates', run: async (o) => (await import('./duplicates-bench.js')).run(o) },
  { name: 'scale', explicit: true, run: async (o) => (await import('./scale-bench.js')).run(o) },
];

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    orders: { type: 'string' },
    keep: { type: 'boolean', default: false },
    lake: { type: 'string' },
  },
});
// Sizes read as `ops generate` reads them (5k, 1.5M); NaN marks a refused value.
const orders = values.orders === undefined ? undefined : readOrders(values.orders);
const unknown = positionals.filter((w) => !parts.some((p) => p.name === w));
if (unknown.length || (orders !== undefined && !(Number.isInteger(orders) && orders > 0))) {
  process.stderr.write(
    unknown.length
      ? `unknown bench part(s): ${unknown.join(', ')}; parts: ${parts.map((p) => p.name).join(', ')}\n`
      : `--orders must be a whole number > 0, e.g. 240000, 240k or 1.5M (got "${values.orders}")\n`,
  );
  process.exitCode = 1;
} else {
  const options: BenchOptions = {
    keep: values.keep ?? false,
    ...(orders ? { orders } : {}),
    ...(values.lake ? { lake: values.lake } : {}),
  };
  const chosen = parts.filter((p) => (positionals.length ? positionals.includes(p.name) : !p.explicit));
  for (const part of chosen) {
    process.stdout.write(`\n== bench: ${part.name}\n`);
    try {
      await part.run(options);
    } catch (err) {
      if (!(err instanceof BenchFailure)) throw err;
      process.stderr.write(`bench ${part.name}: ${err.message}\n`);
      process.exitCode = 1;
      break;
    }
  }
}

function readOrders(value: string): number {
  try {
    return parseCount('--orders', value, { suffixes: true });
  } catch {
    return Number.NaN;
  }
}
