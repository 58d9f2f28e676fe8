import type { QueryEngine } from '../engines/query-engine.js';
import { type AthenaRunOptions, type AthenaTarget, runQuery } from './athena-query.js';
import type { AwsClients } from './clients.js';
import type { AwsConfig } from './config.js';
import { explainAwsError } from './session.js';

/**
 * Amazon Athena (engine v3) as a `QueryEngine`: each statement is one query execution in the
 * project's workgroup with the Glue database as default schema, waited for with backoff; rows
 * come back typed like the DuckDB engine's (exact decimals as text), so the export layer writes
 * byte-identical CSVs from either engine. No `transaction`: Athena has none for DDL.
 */
export function createAthenaEngine(target: AthenaTarget, options: AthenaRunOptions): QueryEngine {
  return {
    name: 'athena',
    async exec(sql) {
      await runQuery(target, sql, { ...options, read: false });
    },
    async query(sql) {
      return (await runQuery(target, sql, options)).rows;
    },
    async close() {
      // The client belongs to the caller's AwsClients, which closes it.
    },
  };
}

/** The Athena engine of the deployed stack: workgroup, database and result location from `config`. */
export function athenaEngineFor(
  config: AwsConfig,
  clients: AwsClients,
  options: AthenaRunOptions,
): QueryEngine {
  const outputLocation = config.athenaOutputLocation();
  const engine = createAthenaEngine(
    {
      client: clients.athena,
      workgroup: config.require('workgroup'),
      database: config.require('database'),
      ...(outputLocation ? { outputLocation } : {}),
    },
    options,
  );
  // A request AWS refuses as such (a workgroup the stack lacks, no access) becomes its own OpsError
  // here, which create-views and the export pass on; what the query itself says (a syntax error
  // Athena rejects at submit, a failed execution) stays theirs to explain.
  const explained = <T>(run: () => Promise<T>): Promise<T> =>
    run().catch((err: unknown) => {
      throw explainAwsError(err, config);
    });
  return {
    ...engine,
    exec: (sql) => explained(() => engine.exec(sql)),
    query: (sql) => explained(() => engine.query(sql)),
  };
}
