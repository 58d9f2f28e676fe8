import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { QueryEngine } from '../../../tools/engines/query-engine.js';
import { TRINO_CATALOG } from '../../../tools/trino/server-config.js';
import { instanceDir, startDevServer } from '../../../tools/trino/server-process.js';
import type { TrinoConnection } from '../../../tools/trino/trino-engine.js';

/** Marks that the vitest run whose main process is `pid` started the server (see stop-trino.ts). */
export const startedByMarker = (pid: number): string => path.join(instanceDir(), `started-by-${pid}`);

/**
 * The development Trino for a test file: started on first use in this run (once, across workers:
 * the start is locked and idempotent), reused when already running. A server this run started
 * is stopped by the run's global teardown.
 */
export async function useTrino(): Promise<{ url: string; port: number }> {
  const server = await startDevServer();
  if (!server.reused) await writeFile(startedByMarker(process.ppid), String(server.pid));
  return { url: server.url, port: server.port };
}

/** A connection to `schema` of the Hive catalog, as user `test`. */
export const connection = (url: string, schema: string): TrinoConnection => ({
  url,
  user: 'test',
  catalog: TRINO_CATALOG,
  schema,
});

/** A schema name no other test file or worker uses. */
export const testSchema = (name: string): string => `t_${name}_${process.pid}`;

/** Drops a test schema with everything in it (the file metastore keeps dbt's tables in its folder). */
export async function dropSchema(engine: QueryEngine, schema: string): Promise<void> {
  const objects = await engine.query(
    `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = '${schema}'`,
  );
  for (const o of objects) {
    await engine.exec(`DROP ${o.table_type === 'VIEW' ? 'VIEW' : 'TABLE'} "${schema}"."${o.table_name}"`);
  }
  await engine.exec(`DROP SCHEMA IF EXISTS "${schema}"`);
}
