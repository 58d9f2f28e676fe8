import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { LAKE } from '../../contracts/lake-layout.js';
import { type AwsArgs, withAwsOptions } from '../aws/options.js';
import { withAwsSession } from '../aws/session.js';
import { uploadRawFiles } from '../aws/upload.js';
import { OpsError } from '../lib/errors.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';

interface UploadArgs extends LakeOptions, AwsArgs {
  concurrency: number;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** `ops upload --target aws`: the lake's raw files to the raw bucket, where each fires the ETL Lambda. */
export const uploadCommand: CommandModule<object, UploadArgs> = {
  command: 'upload',
  describe: `copy the lake's ${LAKE.rawPrefix}*.json to the raw bucket (aws), skipping unchanged files`,
  builder: (y) =>
    withAwsOptions(withLakeOptions(y))
      .option('concurrency', { type: 'number', default: 3, describe: 'files uploaded at once' })
      .example('$0 upload --target aws', 'upload new or changed raw files; the ETL Lambda processes each')
      .epilogue(
        "An object is unchanged when its sha256 metadata equals the local file's SHA-256. Files above 8 MiB go up in 8 MiB parts.",
      ),
  handler: async (args) => {
    if (args.target !== 'aws') {
      throw new OpsError(
        'UPLOAD_NEEDS_AWS',
        'upload copies raw files to S3',
        'run it with --target aws (locally, `ops etl` reads the lake directly)',
      );
    }
    const start = performance.now();
    const bar = new cliProgress.SingleBar(
      { format: 'upload [{bar}] {percentage}% | {value}/{total} bytes', stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    try {
      const s = await withAwsSession(args, ({ config, clients }) =>
        uploadRawFiles({
          s3: clients.s3,
          bucket: config.require('rawBucket'),
          lake: args.lake,
          concurrency: args.concurrency,
          onProgress: (sent, total) => {
            if (!total) return;
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(sent);
          },
        }),
      );
      bar.stop();
      const seconds = s.durationMs / 1000;
      const multipart = s.uploaded.filter((u) => u.multipart).length;
      printSummary(
        `upload: ${s.uploaded.length} file(s) uploaded, ${s.skipped.length} unchanged in ${elapsed(start)}`,
        {
          uploaded: s.uploaded.length
            ? `${mb(s.bytes)} (${multipart} multipart) at ${mb(s.bytes / Math.max(seconds, 0.001))}/s`
            : 'nothing: every object already holds the same content',
          destination: s.destination,
          next: s.uploaded.length
            ? 'the ETL Lambda processes each uploaded file; when it is done, `ops crawl --target aws`'
            : '`ops etl --target aws --file NAME` reprocesses an object',
        },
      );
    } finally {
      bar.stop();
    }
  },
};
