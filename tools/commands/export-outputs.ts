import path from 'node:path';
import type { CommandModule } from 'yargs';
import { martsOlderThanEtl, RUN_METADATA_FILE } from '../../contracts/csv-exports.js';
import { assertNoDuplicateOrders } from '../exports/duplicate-orders.js';
import { type ExportResult, exportOutputs } from '../exports/export-outputs.js';
import { runMetadata } from '../exports/run-metadata.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { type LakeOptions, opsCommandOn, resolvedPath } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface ExportArgs extends LakeOptions {
  out?: string;
  /** Where `ops transform` wrote dbt's target/ (default dbt/): the run metadata's test summary. */
  dbtArtifactsDir?: string;
}

export interface ExportOnResult extends ExportResult {
  /** Whether run_metadata.json holds dbt results: only those of the build these CSVs come from. */
  dbtResults: boolean;
  /** Whether those results are of a build older than the last ETL run (`martsOlderThanEtl`). */
  stale: boolean;
}

/**
 * Writes the analytics CSVs from the target's dbt marts (read-only) to `out` or the target's CSV
 * folder, then `run_metadata.json` (tools/exports/run-metadata.ts), once the facts are proven free of duplicated order_ids (else DUPLICATE_ORDERS, nothing
 * written; the pipeline stops there, before the dashboard).
 */
export async function exportOutputsOn(args: ExportArgs): Promise<ExportOnResult> {
  const target = targetFor(args.target);
  const outDir = path.resolve(args.out ?? target.published(args).csvDir);
  // Before the CSVs: a stack outputs file that cannot be read stops the export before it writes.
  const builds = await target.dbt.describe(args);
  const result = await target.withQueryEngine(args, { readOnly: true }, (engine) =>
    exportOutputs(engine, outDir, assertNoDuplicateOrders),
  );
  // After the CSVs: freshness and dbt results for the dashboard's data-quality section.
  const metadata = await runMetadata({
    ...(target.etlStateInLake ? { lake: args.lake } : {}),
    // only the results of the build these CSVs come from: dbt/ serves every lake and target
    builds,
    ...(args.dbtArtifactsDir ? { dbtArtifactsDir: args.dbtArtifactsDir } : {}),
  });
  await writeFileAtomic(path.join(outDir, RUN_METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
  return { ...result, dbtResults: metadata.dbt !== null, stale: martsOlderThanEtl(metadata) };
}

/** `ops export-outputs [--out DIR]`: the analytics CSVs of contracts/csv-exports.ts. */
export const exportOutputsCommand: CommandModule<object, ExportArgs> = {
  command: 'export-outputs',
  describe: 'write the analytics CSVs (monthly_revenue.csv, …) from the dbt marts, and run_metadata.json',
  builder: (y) =>
    withTargetOptions(y).option('out', {
      type: 'string',
      describe: 'folder to write the CSVs to [default: <lake>/analytics_outputs]',
      coerce: resolvedPath('--out'),
    }),
  handler: async (args) => {
    const start = performance.now();
    const result = await exportOutputsOn(args);
    const fields = {
      ...Object.fromEntries(result.files.map((f) => [f.file, `${f.rows} rows`])),
      [RUN_METADATA_FILE]: result.stale
        ? `freshness and dbt results. WARNING: the marts were built from before the last ETL run, so data it loaded may be missing: run \`${opsCommandOn('transform', args)}\`, then export again`
        : result.dbtResults
          ? 'freshness and dbt results'
          : `freshness; no dbt results of this build (run \`${opsCommandOn('transform', args)}\`)`,
    };
    printSummary(`export-outputs done in ${elapsed(start)}; output: ${result.outDir}`, fields);
  },
};
