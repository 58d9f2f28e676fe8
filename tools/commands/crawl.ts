import type { CommandModule } from 'yargs';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

/** `ops crawl`: registers the fact tables and their partitions in the target's catalog. */
export const crawlCommand: CommandModule<object, LakeOptions> = {
  command: 'crawl',
  describe:
    'register the fact tables and their partitions in the catalog (local: DuckDB; aws: Glue crawler; trino: Hive tables)',
  builder: (y) => withTargetOptions(y),
  handler: async (args) => {
    const start = performance.now();
    const report = await targetFor(args.target).crawl(args);
    printSummary(report.title(elapsed(start)), report.fields);
  },
};
