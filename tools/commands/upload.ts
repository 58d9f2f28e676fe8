import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { RAW_SOURCE_EXTENSIONS } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { type LakeOptions, wholeAtLeastOne } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface UploadArgs extends LakeOptions {
  concurrency: number;
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
      .example('$0 upload --target aws', 'upload new or changed raw files; the ETL Lambda processes each')
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
    try {
      const report = await targetFor(args.target).upload(args, {
        concurrency: args.concurrency,
        onProgress: (sent, total) => {
          if (!total) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(sent);
        },
      });
      bar.stop();
      printSummary(report.title(elapsed(start)), report.fields);
    } finally {
      bar.stop();
    }
  },
};
