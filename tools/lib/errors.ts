import { OpsError, oneLine } from '../../contracts/ops-error.js';
import { withRunFlags } from './options.js';

/**
 * Formats any thrown value as the single stderr line the CLI prints (and its hint). `lake` and
 * `target`: the `--lake` and `--target` the command was given, if any; the `npx ops` commands a
 * hint names then pass them too, since they would otherwise act on ./lake, locally.
 */
export function formatError(err: unknown, given: { lake?: string; target?: string } = {}): string {
  if (err instanceof OpsError) {
    const hint = err.hint ? withRunContext(err.hint, given) : err.hint;
    return `error [${err.code}]: ${err.message}${hint ? `\n  hint: ${hint}` : ''}`;
  }
  const hint = fileSystemHint((err as NodeJS.ErrnoException | undefined)?.code);
  if (err instanceof Error && hint) return `error [FILE_SYSTEM]: ${oneLine(err.message)}\n  hint: ${hint}`;
  if (err instanceof Error) return `error: ${oneLine(err.message)}`;
  return `error: ${oneLine(String(err))}`;
}

/**
 * `hint` with the command's `--target` and `--lake` in each `npx ops` command it names
 * (`withRunFlags`: `npx ops etl` becomes `npx ops etl --target aws --lake DIR`; not one with
 * `--help`), so each runs as typed.
 */
function withRunContext(hint: string, given: { lake?: string; target?: string }): string {
  return hint.replace(/`(npx ops [^`]*)`/g, (quoted, command: string) =>
    /--help/.test(command) ? quoted : `\`${withRunFlags(command, given)}\``,
  );
}

/**
 * What to check when the file system refuses a path the command was given (`--lake`, `--out`,
 * `--from`) or needs: the errors an OpsError does not already explain.
 */
const FILE_SYSTEM_HINTS: Record<string, string> = {
  ENOTDIR: 'a path that must be a folder is a file: check --lake, --out and --from',
  EEXIST: 'a path that must be a folder is a file: check --lake, --out and --from',
  EISDIR: 'a path that must be a file is a folder: check the paths given',
  ENOENT: 'a file or folder is missing: check the paths given, or run the steps before this one',
  EACCES: 'permission denied: check the owner and mode of the path named',
  EPERM: 'permission denied: check the owner and mode of the path named',
  EROFS: 'the file system is read-only: give a --lake or --out on a writable one',
  ENOSPC: 'the disk is full: free space, then run the command again (it resumes or starts over cleanly)',
  EDQUOT:
    'the disk quota is used up: free space, then run the command again (it resumes or starts over cleanly)',
};

/** DuckDB's message (in dbt's output too) when another process holds a database file's lock. */
export const LOCKED_BY_ANOTHER_PROCESS = /Could not set lock|Conflicting lock/i;
/** A message (DuckDB's, dbt's) that names a file the file system refused: no permission, read-only, full. */
export const REFUSED_BY_FILE_SYSTEM = /Permission denied|Read-only file system|No space left/i;

/** What to check for an error `code` that is the file system's (`EACCES`, `ENOSPC`, …); else undefined. */
export function fileSystemHint(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(FILE_SYSTEM_HINTS, code)
    ? FILE_SYSTEM_HINTS[code]
    : undefined;
}

/** The value of `--<flag> VALUE` or `--<flag>=VALUE` among the CLI's arguments, if given. */
export function flagArgument(argv: readonly string[], flag: 'lake' | 'target'): string | undefined {
  for (const [i, arg] of argv.entries()) {
    if (arg === `--${flag}`) return argv[i + 1]?.startsWith('-') ? undefined : argv[i + 1];
    if (arg.startsWith(`--${flag}=`)) return arg.slice(`--${flag}=`.length);
  }
  return undefined;
}
