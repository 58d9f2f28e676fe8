import type { TrinoConnection } from './trino-engine.js';

/**
 * The environment dbt/profiles.yml's `trino` output reads, from the connection the query engine
 * uses, so dbt builds its models in the schema that holds the fact tables and the views.
 */
export function trinoDbtEnv(conn: TrinoConnection): Record<string, string> {
  const url = new URL(conn.url);
  const scheme = url.protocol.replace(':', '');
  return {
    TRINO_HOST: url.hostname,
    TRINO_PORT: url.port || (scheme === 'https' ? '443' : '80'),
    TRINO_HTTP_SCHEME: scheme,
    TRINO_USER: conn.user,
    TRINO_CATALOG: conn.catalog,
    TRINO_SCHEMA: conn.schema,
    ...(conn.password !== undefined ? { TRINO_PASSWORD: conn.password } : {}),
  };
}
