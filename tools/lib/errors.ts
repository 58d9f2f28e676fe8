import { OpsError, oneLine } from '../../contracts/ops-error.js';

/**
 * Formats any thrown value as the single stderr line the CLI prints (and its hint). `lake`: the
 * `--lake` the command was given, if any; a hint naming an `npx ops` command then says to pass it
 * too, since the command it names would otherwise act on ./lake.
 */
export function formatError(err: unknown, { lake }: { lake?: string } = {}): string {
  if (err instanceof OpsError) {
    // a command the hint names without a lake of its own (`npx ops etl`, not `… --lake X` or --help)
    const commands = err.hint?.match(/`npx ops [^`]*`/g) ?? [];
    const needsLake = commands.some((c) => !c.includes('--lake') && !c.includes('--help'));
    const onLake = lake && needsLake ? ` (with --lake ${lake})` : '';
    return `error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}${onLake}` : ''}`;
  }
  const hint = fileSystemHint((err as NodeJS.ErrnoException | undefined)?.code);
  if (err instanceof Error && hint) return `error [FILE_SYSTEM]: ${oneLine(err.message)}\n  hint: ${hint}`;
  if (err instanceof Error) return `error: ${oneLine(err.message)}`;
  return `error: ${oneLine(String(err))}`;
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
