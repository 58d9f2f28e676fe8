/**
 * An error the CLI reports as one line on stderr, with what to do next; `code` is stable
 * so tests and scripts can match on it. Wrap lower-level failures with `{ cause }`.
 */
export class OpsError extends Error {
  override readonly name = 'OpsError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Formats any thrown value as the single stderr line the CLI prints. */
export function formatError(err: unknown): string {
  if (err instanceof OpsError)
    return `error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}
