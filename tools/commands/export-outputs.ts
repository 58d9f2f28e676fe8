import path from 'node:path';
import type { CommandModule } from 'yargs';
import { exportOutputsAws } from '../aws/analytics-aws.js';
import { athenaProgress } from '../aws/cli-handlers.js';
import { type AwsArgs, withAwsOptions } from '../aws/options.js';
import { withAwsSession } from '../aws/session.js';
import { defaultOutDir, exportOutputsOn } from '../exports/export-outputs.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';

interface ExportArgs extends LakeOptions, AwsArgs {
  out?: string;
}

/** `ops export-outputs [--out DIR]`: the analytics CSVs of `tools/exports/outputs.ts`. */
export const exportOutputsCommand: CommandModule<object, ExportArgs> = {
  command: 'export-outputs',
  describe: 'write the analytics CSVs (monthly_revenue.csv, …) from the views',
  builder: (y) =>
    withAwsOptions(withLakeOptions(y)).option('out', {
      type: 'string',
      describe: 'folder to write the CSVs to [default: <lake>/analytics_outputs]',
      coerce: (p: string) => path.resolve(p),
    }),
  handler: async (args) => {
    const start = performance.now();
    const result =
      args.target === 'aws'
        ? await withAwsSession(args, (s) =>
            exportOutputsAws(s, args.out ?? defaultOutDir(args.lake), athenaProgress),
          )
        : await exportOutputsOn(args);
    const fields = Object.fromEntries(result.files.map((f) => [f.file, `${f.rows} rows`]));
    printSummary(`export-outputs done in ${elapsed(start)}; output: ${result.outDir}`, fields);
  },
};
