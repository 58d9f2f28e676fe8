import type { CommandModule } from 'yargs';
import { createViewsAws } from '../aws/analytics-aws.js';
import { athenaProgress } from '../aws/cli-handlers.js';
import { type AwsArgs, withAwsOptions } from '../aws/options.js';
import { withAwsSession } from '../aws/session.js';
import { createViewsOn, SQL_DIR } from '../catalog/create-views.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';

/** `ops create-views`: runs sql/*.sql (base, bi, product views) on the target engine. */
export const createViewsCommand: CommandModule<object, LakeOptions & AwsArgs> = {
  command: 'create-views',
  describe: 'create the analytics views of sql/*.sql on the target engine (local: DuckDB; aws: Athena)',
  builder: (y) => withAwsOptions(withLakeOptions(y)),
  handler: async (opts) => {
    const start = performance.now();
    progress(`create-views: running ${SQL_DIR}/*.sql on ${opts.target}`);
    const result =
      opts.target === 'aws'
        ? await withAwsSession(opts, (session) => createViewsAws(session, athenaProgress))
        : await createViewsOn(opts);
    printSummary(`create-views done in ${elapsed(start)}`, {
      files: result.files,
      statements: result.statements,
      views: result.views.join(', '),
    });
  },
};
