import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  paginateGetQueryResults,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { SqlRow, SqlValue } from '../engines/query-engine.js';
import { type PollOptions, pollUntil, WaitTimeoutError } from './poll.js';

/** Where queries run: the workgroup (whose enforced settings win) and the default database. */
export interface AthenaTarget {
  client: AthenaClient;
  workgroup: string;
  database: string;
  /** Result location for workgroups that do not enforce their own. */
  outputLocation?: string;
}

export interface AthenaRunOptions extends PollOptions {
  /** Rows per GetQueryResults page (Athena's maximum, 1000, by default). */
  pageSize?: number;
  /** Told of each state a query is seen in while waiting (QUEUED, RUNNING, …). */
  onState?: (queryId: string, state: string) => void;
}

/** A query ended FAILED or CANCELLED; `reason` is Athena's StateChangeReason or error message. */
export class AthenaQueryError extends Error {
  override readonly name = 'AthenaQueryError';
  readonly code = 'ATHENA_QUERY_FAILED';
  constructor(
    readonly queryId: string,
    readonly state: string,
    readonly reason: string,
  ) {
    super(`query ${queryId} ${state}: ${reason}`);
  }
}

/** Starts one statement and returns its execution id. */
export async function startQuery(target: AthenaTarget, sql: string): Promise<string> {
  const res = await target.client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: target.workgroup,
      QueryExecutionContext: { Database: target.database },
      ...(target.outputLocation ? { ResultConfiguration: { OutputLocation: target.outputLocation } } : {}),
    }),
  );
  if (!res.QueryExecutionId) throw new Error('Athena returned no QueryExecutionId');
  return res.QueryExecutionId;
}

/**
 * Polls GetQueryExecution with backoff until the query SUCCEEDED (returned), FAILED or was
 * CANCELLED (AthenaQueryError). Past the timeout it stops the query, so nothing keeps scanning
 * (and billing), and throws WaitTimeoutError.
 */
export async function waitForQuery(
  target: AthenaTarget,
  queryId: string,
  options: AthenaRunOptions,
): Promise<QueryExecution> {
  let seen: string | undefined;
  try {
    return await pollUntil<QueryExecution>(
      `Athena query ${queryId}`,
      async () => {
        const { QueryExecution: q } = await target.client.send(
          new GetQueryExecutionCommand({ QueryExecutionId: queryId }),
        );
        const state = q?.Status?.State ?? 'UNKNOWN';
        if (state !== seen) options.onState?.(queryId, state);
        seen = state;
        if (state === 'SUCCEEDED') return { state, done: true, value: q as QueryExecution };
        if (state === 'FAILED' || state === 'CANCELLED') {
          const reason =
            q?.Status?.StateChangeReason ?? q?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
          throw new AthenaQueryError(queryId, state, reason);
        }
        return { state, done: false };
      },
      options,
    );
  } catch (err) {
    if (err instanceof WaitTimeoutError) {
      await target.client
        .send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }))
        .catch(() => undefined);
    }
    throw err;
  }
}

/** Athena's result types that are exact small integers; everything exact stays a string. */
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int']);
const FLOAT_TYPES = new Set(['double', 'float', 'real']);

/**
 * One Athena value (always text on the wire) as the export layer's `SqlValue`, typed like the
 * DuckDB engine's: small integers and floats as numbers, booleans as booleans, DECIMAL, BIGINT,
 * DATE and TIMESTAMP as the exact text Athena printed. A missing `VarCharValue` is NULL.
 */
export function athenaValue(text: string | undefined, type: string | undefined): SqlValue {
  if (text === undefined) return null;
  const t = (type ?? 'varchar').toLowerCase();
  if (INTEGER_TYPES.has(t) || FLOAT_TYPES.has(t)) return Number(text);
  if (t === 'boolean') return text === 'true';
  return text;
}

/**
 * Reads a finished query's rows, following NextToken page by page. The first row of the first
 * page is Athena's header (the column labels) and is dropped; statements without a header
 * (DDL) return their rows as they are.
 */
export async function readQueryRows(
  target: AthenaTarget,
  queryId: string,
  pageSize = 1000,
): Promise<SqlRow[]> {
  const rows: SqlRow[] = [];
  let columns: ColumnInfo[] | undefined;
  let first = true;
  const pages = paginateGetQueryResults(
    { client: target.client, pageSize },
    { QueryExecutionId: queryId, MaxResults: pageSize },
  );
  for await (const page of pages) {
    columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    const names = columns.map((c) => c.Label ?? c.Name ?? '');
    for (const row of page.ResultSet?.Rows ?? []) {
      const data = row.Data ?? [];
      const isHeader =
        first && data.length === names.length && data.every((d, i) => d.VarCharValue === names[i]);
      first = false;
      if (isHeader) continue;
      const out: SqlRow = {};
      for (const [i, c] of columns.entries())
        out[c.Name ?? names[i] ?? String(i)] = athenaValue(data[i]?.VarCharValue, c.Type);
      rows.push(out);
    }
  }
  return rows;
}

/** Runs one statement to completion and returns its execution id and rows (`read: false` skips them). */
export async function runQuery(
  target: AthenaTarget,
  sql: string,
  options: AthenaRunOptions & { read?: boolean },
): Promise<{ queryId: string; rows: SqlRow[] }> {
  const queryId = await startQuery(target, sql);
  await waitForQuery(target, queryId, options);
  const rows = options.read === false ? [] : await readQueryRows(target, queryId, options.pageSize);
  return { queryId, rows };
}
