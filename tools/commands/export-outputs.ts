import path from 'node:path';
import type { CommandModule } from 'yargs';
import { assertNoDuplicateOrders } from '../exports/duplicate-orders.js';
import { type ExportResult, exportOutputs } from '../exports/export-outputs.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface ExportArgs extends LakeOptions {
  out?: string;
}

/**
 * Writes the analytics CSVs from the target's dbt marts (read-only) to `out` or the target's CSV
 * folder, once the facts are proven free of duplicated order_ids (else DUPLICATE_ORDERS, nothing
 * written; the pipeline stops there, before the dashboard).
 */
export function exportOutputsOn(args: ExportArgs): Promise<ExportResult> {
  const target = targetFor(args.target);
  const outDir = path.resolve(args.out ?? target.published(args).csvDir);
  return target.withQueryEngine(args, { readOnly: true }, async (engine) => {
    await assertNoDuplicateOrders(engine);
    return exportOutputs(engine, outDir);
  });
}

/** `ops export-outputs [--out DIR]`: the analytics CSVs of contracts/csv-exports.ts. */
export const exportOutputsCommand: CommandModule<object, ExportArgs> = {
  command: 'export-outputs',
  describe: 'write the analytics CSVs (monthly_revenue.csv, …) from the dbt marts',
  builder: (y) =>
    withTargetOptions(y).option('out', {
      type: 'string',
      describe: 'folder to write the CSVs to [default: <lake>/analytics_outputs]',
      coerce: (p: string) => path.resolve(p),
    }),
  handler: async (args) => {
    const start = performance.now();
    const result = await exportOutputsOn(args);
    const fields = Object.fromEntries(result.files.map((f) => [f.file, `${f.rows} rows`]));
    printSummary(`export-outputs done in ${elapsed(start)}; output: ${result.outDir}`, fields);
  },
};
