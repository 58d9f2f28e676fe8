import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { RAW_SOURCE_EXTENSIONS } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { type LakeOptions, wholeAtLeastOne } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface UploadArgs extends LakeOptions {
  concurrency: number;
  wait: boolean;
}

/** `ops upload --target aws`: the lake's raw files to the raw bucket, where each fires the ETL Lambda. */
export const uploadCommand: CommandModule<object, UploadArgs> = {
  command: 'upload',
  describe: `copy the lake's raw files (${LAKE.rawPrefix}*${RAW_SOURCE_EXTENSIONS.join('|')}) to the raw bucket (aws), skipping unchanged files`,
  builder: (y) =>
    // every target is a choice, so the others get UPLOAD_NEEDS_AWS's hint; only AWS's flags apply
    withTargetOptions(y, { targetFlags: (t) => t.name === 'aws' })
      .option('concurrency', {
        type: 'number',
        default: 3,
        coerce: wholeAtLeastOne('--concurrency', 3),
        describe: 'files uploaded at once',
      })
      .option('wait', {
        type: 'boolean',
        default: false,
        describe:
          'then wait (up to --timeout seconds) until the ETL Lambda has run each uploaded file, and report what it made of each (exit 1 if it refused one)',
      })
      .example('$0 upload --target aws', 'upload new or changed raw files; the ETL Lambda processes each')
      .example('$0 upload --target aws --wait', 'the same, returning once the ETL Lambda has run them')
      .epilogue(
        "An object is unchanged when its sha256 metadata equals the local file's SHA-256. Files above 8 MiB go up in 8 MiB parts.",
      ),
  handler: async (args) => {
    const start = performance.now();
    const bar = new cliProgress.SingleBar(
      { format: 'upload [{bar}] {percentage}% | {value}/{total} bytes', stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let settledBefore = -1;
    try {
      const report = await targetFor(args.target).upload(args, {
        concurrency: args.concurrency,
        onProgress: (sent, total) => {
          if (!total) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(sent);
        },
        wait: args.wait,
        onWaiting: (settled, total) => {
          if (settled === settledBefore) return;
          if (settledBefore < 0) bar.stop();
          settledBefore = settled;
          progress(`upload: waiting for the ETL Lambda, ${settled} of ${total} file(s) done`);
        },
      });
      bar.stop();
      printSummary(report.title(elapsed(start)), report.fields);
      if (report.failure) throw report.failure;
    } finally {
      bar.stop();
    }
  },
};
