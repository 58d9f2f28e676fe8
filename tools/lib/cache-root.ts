import os from 'node:os';
import path from 'node:path';

/**
 * The per-user cache of what the project downloads or builds once per machine (the Trino
 * distribution and development server, actionlint, the native encoder's compiled crates):
 * `$XDG_CACHE_HOME/store-sales` (default `~/.cache/store-sales`), or STORE_SALES_CACHE (an empty
 * variable counts as unset). Outside
 * the repo, so every clone and worktree on a machine shares it.
 */
export const cacheRoot = (env: NodeJS.ProcessEnv = process.env): string =>
  env.STORE_SALES_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'store-sales');
