import type { CommandModule } from 'yargs';
import { crawlOnAws } from '../aws/cli-handlers.js';
import { type AwsArgs, withAwsOptions } from '../aws/options.js';
import { crawlLocal } from '../catalog/crawl-local.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';

/** `ops crawl`: registers the fact tables and their partitions in the local catalog. */
export const crawlCommand: CommandModule<object, LakeOptions & AwsArgs> = {
  command: 'crawl',
  describe: 'register the fact tables and their partitions in the catalog (local: DuckDB; aws: Glue crawler)',
  builder: (y) => withAwsOptions(withLakeOptions(y)),
  handler: async (opts) => {
    if (opts.target === 'aws') return crawlOnAws(opts);
    const start = performance.now();
    const result = await crawlLocal({ lake: opts.lake });
    const fields: Record<string, string> = {};
    for (const t of result.tables) {
      const span = t.partitions.length ? ` (${t.partitions[0]} .. ${t.partitions.at(-1)})` : '';
      fields[t.name] = `${t.rows} rows, ${t.partitions.length} partitions${span}, ${t.files} files`;
    }
    printSummary(`crawl done in ${elapsed(start)}; catalog: ${result.warehouse}`, fields);
  },
};
