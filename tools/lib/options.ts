import path from 'node:path';
import type { Argv } from 'yargs';

export type Target = 'local' | 'aws';

/** Options every command shares: where to run and which lake folder to use locally. */
export interface LakeOptions {
  target: Target;
  lake: string;
}

/** Adds `--target` and `--lake` (resolved to an absolute path) to a command. */
export function withLakeOptions<T>(y: Argv<T>): Argv<T & LakeOptions> {
  return y
    .option('target', {
      choices: ['local', 'aws'] as const,
      default: 'local' as const,
      describe: 'run against the local lake + DuckDB, or the deployed AWS stack',
    })
    .option('lake', {
      type: 'string',
      default: process.env.STORE_SALES_LAKE ?? 'lake',
      describe: 'local lake folder (laid out like the bucket)',
      coerce: (p: string) => path.resolve(p),
    }) as unknown as Argv<T & LakeOptions>;
}
