import path from 'node:path';
import type { Argv } from 'yargs';

/**
 * Options every command shares: the target to run against (a name of tools/targets/registry.ts,
 * which adds `--target`) and the lake folder.
 */
export interface LakeOptions {
  target: string;
  lake: string;
}

/** Adds `--lake` (resolved to an absolute path) to a command. */
export function withLakeOptions<T>(y: Argv<T>): Argv<T & { lake: string }> {
  return y.option('lake', {
    type: 'string',
    default: process.env.STORE_SALES_LAKE ?? 'lake',
    describe: 'local lake folder (laid out like the bucket)',
    coerce: (p: string) => path.resolve(p),
  }) as unknown as Argv<T & { lake: string }>;
}
