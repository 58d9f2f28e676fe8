import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { RAW_SOURCE_EXTENSIONS } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { checkWorkers, type LakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';
import type { EtlProgress } from '../targets/target.js';

interface EtlArgs extends LakeOptions {
  file?: string[];
  force: boolean;
  'local-compute': boolean;
  'retry-quarantine': boolean;
  workers?: number;
}

/**
 * Shows ETL progress on stderr: a line when a source starts without byte counts (a remote run),
 * one progress bar over the bytes of every source started so far when they come (a run here,
 * where several sources may be read at once by worker processes).
 */
function progressDisplay(bar: cliProgress.SingleBar): (p: EtlProgress) => void {
  const read = new Map<string, { bytesRead: number; sourceBytes: number }>();
  return (p) => {
    const payload = { file: p.key.slice(LAKE.rawPrefix.length), index: p.index, total: p.total };
    if (p.bytesRead === undefined || p.sourceBytes === undefined) {
      progress(`etl: ${p.key} (${p.index}/${p.total})`);
      return;
    }
    if (!read.size) {
      progress(`etl: ${p.total} file(s) to process`);
      bar.start(p.sourceBytes, 0, payload);
    }
    read.set(p.key, { bytesRead: p.bytesRead, sourceBytes: p.sourceBytes });
    let done = 0;
    let total = 0;
    for (const r of read.values()) {
      done += r.bytesRead;
      total += r.sourceBytes;
    }
    bar.setTotal(total);
    bar.update(done, payload);
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
        describe: 'process these raw files (key, file name, or local path) even if unchanged',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'process every raw file, changed or not',
      })
      .option('workers', {
        type: 'number',
        describe:
          'local: raw files processed at once, each in its own process (default: one per core for 16 MiB or more); same output for any number',
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
          're-run sources whose quarantined orders can load now (future-dated ones now in range; aws: a USD rate uploaded since) and, on aws, sources still flagged to run after a holder that dropped their orders',
      })
      .example(
        '$0 etl --retry-quarantine',
        'load future-dated orders whose time has come (no double counting)',
      )
      .example('$0 etl --target aws --file orders_2025_01.json', 'invoke the function for one object')
      .epilogue(
        `Reads ${RAW_SOURCE_EXTENSIONS.map((e) => `${LAKE.rawPrefix}*${e}`).join(', ')} (JSON Lines or a JSON array), writes ${LAKE.processedPrefix}<table>/order_year=YYYY/order_month=MM/` +
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
        ...(checkWorkers(args.workers, 'etl') ? { workers: args.workers } : {}),
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
