import { DuckDBInstance } from '@duckdb/node-api';
import type { QueryEngine, SqlRow } from '../engines/query-engine.js';

/** How to open the database file. */
export interface DuckDbEngineOptions {
  /** Open read-only: several readers may share the file, and a missing file is an error. */
  readOnly?: boolean;
}

/**
 * Opens a DuckDB database file (or `:memory:`) as a `QueryEngine`. Rows come back through
 * node-api's JSON converters: DECIMAL, BIGINT, HUGEINT, DATE and TIMESTAMP as strings, which
 * keeps money exact. Close it when done: DuckDB lets one process at a time hold a file for
 * writing, and dbt opens the same warehouse next.
 */
export async function openDuckDbEngine(
  file: string,
  options: DuckDbEngineOptions = {},
): Promise<QueryEngine> {
  const instance = await DuckDBInstance.create(file, options.readOnly ? { access_mode: 'READ_ONLY' } : {});
  const connection = await instance.connect().catch((err: unknown) => {
    instance.closeSync();
    throw err;
  });
  const engine: QueryEngine = {
    name: 'duckdb',
    async exec(sql) {
      await connection.run(sql);
    },
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      // Views and catalog queries return scalar columns only, so every value is a SqlValue.
      return reader.getRowObjectsJson() as SqlRow[];
    },
    async transaction(work) {
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await connection.run('COMMIT');
        return result;
      } catch (err) {
        await connection.run('ROLLBACK');
        throw err;
      }
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
  return engine;
}
