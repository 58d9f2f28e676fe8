import { OpsError } from '../../contracts/ops-error.js';

/**
 * Formats any thrown value as the single stderr line the CLI prints (and its hint). `lake`: the
 * `--lake` the command was given, if any; a hint naming an `npx ops` command then says to pass it
 * too, since the command it names would otherwise act on ./lake.
 */
export function formatError(err: unknown, { lake }: { lake?: string } = {}): string {
  if (err instanceof OpsError) {
    const names = err.hint?.includes('`npx ops ') && !err.hint.includes('--help');
    const onLake = lake && names && !err.hint?.includes('--lake') ? ` (with --lake ${lake})` : '';
    return `error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}${onLake}` : ''}`;
  }
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}

/** The value of `--lake DIR` or `--lake=DIR` among the CLI's arguments, if given. */
export function lakeArgument(argv: readonly string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    if (arg === '--lake') return argv[i + 1]?.startsWith('-') ? undefined : argv[i + 1];
    if (arg.startsWith('--lake=')) return arg.slice('--lake='.length);
  }
  return undefined;
}
