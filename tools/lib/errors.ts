import { OpsError } from '../../contracts/ops-error.js';

/** Formats any thrown value as the single stderr line the CLI prints. */
export function formatError(err: unknown): string {
  if (err instanceof OpsError)
    return `error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}
