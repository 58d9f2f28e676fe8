import { stripVTControlCharacters } from 'node:util';

/**
 * The `ops` CLI's error contract: any part of the project that the CLI runs (tools/, dashboards/)
 * throws this to have it reported as one line on stderr, `error [CODE]: message`, then the hint.
 * `code` is stable (UPPER_SNAKE) so tests and scripts can match on it; `hint` says what to do next.
 * Wrap lower-level failures with `{ cause }`. It lives in contracts/ so that code outside tools/
 * can report CLI errors without importing the CLI.
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

/**
 * A message as the one line the CLI prints: its first non-blank line, without terminal colour
 * codes (another library's error may go on with a log, in colour).
 */
export const oneLine = (message: string): string =>
  stripVTControlCharacters(message)
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '') ?? '';
