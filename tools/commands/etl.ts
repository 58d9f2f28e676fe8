import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import { etlOnAws } from '../aws/cli-handlers.js';
import { type AwsArgs, withAwsOptions } from '../aws/options.js';
import { etlTotals, throwIfEtlFailed } from '../etl/etl-summary.js';
import { runLocalEtl } from '../etl/run-local-etl.js';
import { OpsError } from '../lib/errors.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, formatCount, printSummary, progress } from '../lib/report.js';

interface EtlArgs extends LakeOptions, AwsArgs {
  file?: string[];
  force: boolean;
  'local-compute': boolean;
}

/** `ops etl`: the Lambda's ETL core on the local lake, incremental. */
export const etlCommand: CommandModule<object, EtlArgs> = {
  command: 'etl',
  describe: 'flatten new or changed raw files into partitioned Parquet (+ quarantine), as the Lambda does',
  builder: (y) =>
    withAwsOptions(withLakeOptions(y))
      .option('file', {
        type: 'string',
        array: true,
        describe: 'process these raw files (key or file name) even if unchanged',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'process every raw file, changed or not',
      })
      .example('$0 etl', 'process raw files that are new or changed since the last run')
      .example('$0 etl --file orders_2025_01.json', 'reprocess one month')
      .option('local-compute', {
        type: 'boolean',
        default: false,
        describe: 'aws: run the handler here against S3 instead of invoking the function (backfills)',
      })
      .example('$0 etl --target aws --file orders_2025_01.json', 'invoke the function for one object')
      .epilogue(
        `Reads ${LAKE.rawPrefix}*.json, writes ${LAKE.processedPrefix}<table>/order_year=YYYY/order_month=MM/` +
          `part-<file>.parquet and ${LAKE.quarantinePrefix}<file>.jsonl; remembers what it did in ${LAKE.etlState}.`,
      ),
  handler: async (args) => {
    if (args.target === 'aws') return etlOnAws(args);
    const start = performance.now();
    const bar = new cliProgress.SingleBar(
      { format: 'etl [{bar}] {percentage}% | {file} ({index}/{total})', stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    let current = '';
    try {
      const s = await runLocalEtl({
        lake: args.lake,
        files: args.file,
        force: args.force,
        onProgress: (p) => {
          const payload = { file: p.key.slice(LAKE.rawPrefix.length), index: p.index, total: p.total };
          if (p.key !== current) {
            if (current) bar.stop();
            else progress(`etl: ${p.total} file(s) to process`);
            current = p.key;
            bar.start(p.sourceBytes, 0, payload);
          }
          bar.update(p.bytesRead, payload);
        },
      });
      bar.stop();
      if (!s.processed.length && !s.skipped.length && !s.failed.length && !s.retired.length) {
        throw new OpsError(
          'ETL_NO_RAW_FILES',
          `no raw files under ${args.lake}/${LAKE.rawPrefix}`,
          'run `ops generate` first, or point --lake at your lake',
        );
      }
      for (const r of s.processed) {
        const reasons = Object.entries(r.byReason).map(([k, v]) => `${k} ${v}`);
        progress(
          `  ${r.sourceKey}: read ${formatCount(r.read)}, loaded ${formatCount(r.loaded)}, quarantined ${formatCount(r.quarantined)}` +
            `${reasons.length ? ` (${reasons.join(', ')})` : ''} -> ${r.files.length} file(s) in ${(r.durationMs / 1000).toFixed(2)} s`,
        );
      }
      const t = etlTotals(s);
      printSummary(
        `etl: ${s.processed.length} file(s) processed, ${s.skipped.length} unchanged in ${elapsed(start)}`,
        {
          read: formatCount(t.read),
          loaded: formatCount(t.loaded),
          quarantined: formatCount(t.quarantined),
          'deleted raw files (outputs removed)': s.retired.length ? s.retired.join(', ') : 'none',
          'fact_orders rows': formatCount(t.orderRows),
          'fact_order_items rows': formatCount(t.itemRows),
          'raw read': `${(t.rawBytes / 1e6).toFixed(1)} MB`,
          parquet: `${args.lake}/${LAKE.processedPrefix}`,
          quarantine: `${args.lake}/${LAKE.quarantinePrefix}`,
        },
      );
      throwIfEtlFailed(s);
    } finally {
      bar.stop();
    }
  },
};
