import type { CommandModule } from 'yargs';
import { generateDataset } from '../generator/index.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';

/** Default demo dataset: a year of data a newcomer waits seconds for. */
export const PIPELINE_DEFAULTS = { from: '2025-01', months: 12, ordersPerMonth: 5000, seed: 42 } as const;

interface Step {
  name: string;
  run: (opts: LakeOptions) => Promise<string>;
}

/** The local pipeline in order; each step is the library function behind an `ops` command. */
const steps: Step[] = [
  {
    name: 'generate',
    run: async ({ lake }) => {
      const s = await generateDataset({ lake, ...PIPELINE_DEFAULTS, force: false });
      return `${s.orders} orders in ${s.files.length} files (${s.skipped} unchanged)`;
    },
  },
];

export const pipelineCommand: CommandModule<object, LakeOptions> = {
  command: 'pipeline',
  describe: 'run every local step in order (what `npm start` runs)',
  builder: (y) => withLakeOptions(y),
  handler: async (opts) => {
    if (opts.target !== 'local') throw new Error('pipeline runs locally; run the aws steps one by one');
    const start = performance.now();
    const results: Record<string, string> = {};
    for (const [i, step] of steps.entries()) {
      process.stderr.write(`\n[${i + 1}/${steps.length}] ${step.name}\n`);
      const t = performance.now();
      results[step.name] = `${await step.run(opts)} (${elapsed(t)})`;
    }
    printSummary(`\npipeline done in ${elapsed(start)}; lake: ${opts.lake}`, results);
  },
};
