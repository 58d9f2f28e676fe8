/**
 * `npm run bench [part…]`: runs the benchmark parts in order and prints their figures.
 * Each part lives in its own module and prints its figures and the ratio to its reference.
 * Parts: see `parts` below; with no argument, all of them.
 */
import { run as dbtBench } from './dbt-bench.js';

interface BenchPart {
  name: string;
  run: () => Promise<void>;
}

const parts: BenchPart[] = [
  { name: 'generate', run: async () => (await import('./generate-bench.js')).run() },
  { name: 'etl', run: async () => (await import('./etl-bench.js')).run() },
  { name: 'analytics', run: async () => (await import('./analytics-bench.js')).run() },
  { name: 'dbt', run: dbtBench },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !parts.some((p) => p.name === w));
if (unknown.length) {
  process.stderr.write(
    `unknown bench part(s): ${unknown.join(', ')}; parts: ${parts.map((p) => p.name).join(', ')}\n`,
  );
  process.exitCode = 1;
} else {
  for (const part of parts.filter((p) => !wanted.length || wanted.includes(p.name))) {
    process.stdout.write(`\n== bench: ${part.name}\n`);
    await part.run();
  }
}
