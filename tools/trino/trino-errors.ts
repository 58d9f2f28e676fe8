import { OpsError } from '../../contracts/ops-error.js';

/**
 * Maps a Trino failure to a stable code: an unknown catalog or schema is a configuration
 * problem (with its own hint); anything else is the statement's fault, with Trino's message.
 */
export function trinoFailure(
  failure: { message: string; errorName?: string },
  conn: { url: string; catalog: string; schema: string },
): OpsError {
  switch (failure.errorName) {
    case 'CATALOG_NOT_FOUND':
      return new OpsError(
        'TRINO_UNKNOWN_CATALOG',
        failure.message,
        `catalog "${conn.catalog}" is not configured on ${conn.url}; check the catalog setting`,
      );
    case 'SCHEMA_NOT_FOUND':
      return new OpsError(
        'TRINO_UNKNOWN_SCHEMA',
        failure.message,
        `schema "${conn.schema}" does not exist in ${conn.catalog}; run \`npx ops crawl --target trino\` first`,
      );
    default:
      return new OpsError('TRINO_QUERY_FAILED', failure.message);
  }
}

/** fetch hides the socket error (ECONNREFUSED…) in `cause`. */
export const socketCause = (err: unknown): string => {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
};
