import { OpsError, oneLine } from '../../contracts/ops-error.js';
import { shellWord } from './options.js';

/**
 * Formats any thrown value as the single stderr line the CLI prints (and its hint). `lake`: the
 * `--lake` the command was given, if any; the `npx ops` commands a hint names then pass it too,
 * since they would otherwise act on ./lake.
 */
export function formatError(err: unknown, { lake }: { lake?: string } = {}): string {
  if (err instanceof OpsError) {
    const hint = err.hint && lake ? withLake(err.hint, lake) : err.hint;
    return `error [${err.code}]: ${err.message}${hint ? `\n  hint: ${hint}` : ''}`;
  }
  const hint = fileSystemHint((err as NodeJS.ErrnoException | undefined)?.code);
  if (err instanceof Error && hint) return `error [FILE_SYSTEM]: ${oneLine(err.message)}\n  hint: ${hint}`;
  if (err instanceof Error) return `error: ${oneLine(err.message)}`;
  return `error: ${oneLine(String(err))}`;
}

/**
 * `hint` with `--lake DIR` in each command it names that has no lake of its own (`npx ops etl`
 * becomes `npx ops etl --lake DIR`; not one with `--lake` or `--help`), so it can be run as typed.
 */
function withLake(hint: string, lake: string): string {
  return hint.replace(/`(npx ops [^`]*)`/g, (quoted, command: string) =>
    /--lake|--help/.test(command) ? quoted : `\`${command} --lake ${shellWord(lake)}\``,
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

/** What to check for an error `code` that is the file system's (`EACCES`, `ENOSPC`, …); else undefined. */
export function fileSystemHint(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(FILE_SYSTEM_HINTS, code)
    ? FILE_SYSTEM_HINTS[code]
    : undefined;
}

/** The value of `--lake DIR` or `--lake=DIR` among the CLI's arguments, if given. */
export function lakeArgument(argv: readonly string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    if (arg === '--lake') return argv[i + 1]?.startsWith('-') ? undefined : argv[i + 1];
    if (arg.startsWith('--lake=')) return arg.slice('--lake='.length);
  }
  return undefined;
}
