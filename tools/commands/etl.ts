import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';
import type { EtlProgress } from '../targets/target.js';

interface EtlArgs extends LakeOptions {
  file?: string[];
  force: boolean;
  'local-compute': boolean;
  'retry-quarantine': boolean;
}

/**
 * Shows ETL progress on stderr: a line when a source starts without byte counts (a remote run),
 * a progress bar over its bytes when they come (a run in this process).
 */
function progressDisplay(bar: cliProgress.SingleBar): (p: EtlProgress) => void {
  let current = '';
  return (p) => {
    const payload = { file: p.key.slice(LAKE.rawPrefix.length), index: p.index, total: p.total };
    if (p.bytesRead === undefined || p.sourceBytes === undefined) {
      progress(`etl: ${p.key} (${p.index}/${p.total})`);
      return;
    }
    if (p.key !== current) {
      if (current) bar.stop();
      else progress(`etl: ${p.total} file(s) to process`);
      current = p.key;
      bar.start(p.sourceBytes, 0, payload);
    }
    bar.update(p.bytesRead, payload);
  };
}

/** `ops etl`: the Lambda's ETL core over the target's raw sources, incremental. */
export const etlCommand: CommandModule<object, EtlArgs> = {
  command: 'etl',
  describe: 'flatten new or changed raw files into partitioned Parquet (+ quarantine), as the Lambda does',
  builder: (y) =>
    withTargetOptions(y)
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
      .option('retry-quarantine', {
        type: 'boolean',
        default: false,
        describe:
          're-run sources whose orders were quarantined as timestamp_out_of_range for lying in the future and are now in range',
      })
      .example(
        '$0 etl --retry-quarantine',
        'load future-dated orders whose time has come (no double counting)',
      )
      .example('$0 etl --target aws --file orders_2025_01.json', 'invoke the function for one object')
      .epilogue(
        `Reads ${LAKE.rawPrefix}*.json, writes ${LAKE.processedPrefix}<table>/order_year=YYYY/order_month=MM/` +
          `part-<file>.parquet and ${LAKE.quarantinePrefix}<file>.jsonl; remembers what it did in ${LAKE.etlState}. ` +
          'On every target, raw files sharing a base name are refused and the outputs of deleted raw files removed.',
      ),
  handler: async (args) => {
    const start = performance.now();
    const bar = new cliProgress.SingleBar(
      { format: 'etl [{bar}] {percentage}% | {file} ({index}/{total})', stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    try {
      const report = await targetFor(args.target).etl(args, {
        ...(args.file ? { files: args.file } : {}),
        force: args.force,
        localCompute: args['local-compute'],
        retryQuarantine: args['retry-quarantine'],
        // For the kill tests (test/tools/etl/kill-etl.test.ts): a line per phase, to aim SIGKILLs.
        ...(process.env.STORE_SALES_PHASE_LOG === '1'
          ? { onPhase: (phase: string, key: string) => process.stderr.write(`phase ${phase} ${key}\n`) }
          : {}),
        onProgress: progressDisplay(bar),
      });
      bar.stop();
      for (const line of report.sources) progress(line);
      printSummary(report.title(elapsed(start)), report.fields);
      if (report.failure) throw report.failure;
    } finally {
      bar.stop();
    }
  },
};
