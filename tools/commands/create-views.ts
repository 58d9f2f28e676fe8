import type { CommandModule } from 'yargs';
import { type CreateViewsResult, createViews, SQL_DIR } from '../engines/create-views.js';
import type { LakeOptions } from '../lib/options.js';
import { elapsed, printSummary, progress } from '../lib/report.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

/** Runs the view files on the target's query engine (DuckDB: in one transaction). */
export function createViewsOn(args: LakeOptions, sqlDir: string = SQL_DIR): Promise<CreateViewsResult> {
  const target = targetFor(args.target);
  return target.withQueryEngine(args, { readOnly: false }, (engine) =>
    createViews(engine, sqlDir, { quality: target.catalogsQuarantine }),
  );
}

/** `ops create-views`: runs sql/*.sql (base, bi, product views) on the target engine. */
export const createViewsCommand: CommandModule<object, LakeOptions> = {
  command: 'create-views',
  describe:
    'create the analytics views of sql/*.sql on the target engine (local: DuckDB; aws: Athena; trino: Trino)',
  builder: (y) => withTargetOptions(y),
  handler: async (args) => {
    const start = performance.now();
    progress(`create-views: running ${SQL_DIR}/*.sql on ${args.target}`);
    const result = await createViewsOn(args);
    printSummary(`create-views done in ${elapsed(start)}`, {
      files: result.files,
      statements: result.statements,
      views: result.views.join(', '),
    });
  },
};
