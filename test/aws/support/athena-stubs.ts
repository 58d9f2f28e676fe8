import { DuckDBInstance } from '@duckdb/node-api';
import { jsonBody, type ProxyHook, utf8 } from './fault-proxy.js';
import { ACCOUNT, type MotoServer, REGION } from './moto-server.js';

/** A result set to register in moto: column names and Athena types, rows as text (null = NULL). */
export interface StubResult {
  columns: { name: string; type: string; precision?: number; scale?: number }[];
  rows: (string | null)[][];
}

/**
 * Queues results in moto (`/moto-api/static/athena/query-results`), shaped as Athena returns them:
 * the header row first, then the data rows, each value as `VarCharValue` (NULL: no value). moto
 * hands them to query executions in the order the queries start.
 */
export function registerAthenaResults(moto: MotoServer, results: StubResult[]): Promise<void> {
  return moto.api('/moto-api/static/athena/query-results', {
    account_id: ACCOUNT,
    region: REGION,
    results: results.map((r) => ({
      rows: [r.columns.map((c) => c.name), ...r.rows].map((row) => ({
        Data: row.map((v) => (v === null ? {} : { VarCharValue: v })),
      })),
      column_info: r.columns.map((c) => ({
        CatalogName: 'hive',
        SchemaName: '',
        TableName: '',
        Name: c.name,
        Label: c.name,
        Type: c.type,
        Precision: c.precision ?? 0,
        Scale: c.scale ?? 0,
        Nullable: 'UNKNOWN',
        CaseSensitive: c.type === 'varchar',
      })),
    })),
  });
}

const json = (body: unknown) => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: jsonBody(body),
});

/**
 * Pages GetQueryResults as Athena does and moto 5.2 does not: at most MaxResults rows per page,
 * the header counted as the first row of the first page, and a NextToken while rows remain.
 */
export const athenaPaging: ProxyHook = async (call, next) => {
  if (call.target !== 'AmazonAthena.GetQueryResults') return next(call);
  const req = JSON.parse(utf8(call.body)) as {
    QueryExecutionId: string;
    MaxResults?: number;
    NextToken?: string;
  };
  const res = await next({ ...call, body: JSON.stringify({ QueryExecutionId: req.QueryExecutionId }) });
  if (res.status !== 200) return res;
  const out = JSON.parse(utf8(res.body)) as { ResultSet: { Rows: unknown[] }; NextToken?: string };
  const from = req.NextToken ? Number(req.NextToken) : 0;
  const to = from + (req.MaxResults ?? 1000);
  const rows = out.ResultSet.Rows;
  out.ResultSet.Rows = rows.slice(from, to);
  if (to < rows.length) out.NextToken = String(to);
  return json(out);
};

/**
 * Ends every query whose SQL matches `pattern` FAILED with `reason`, as Athena reports a bad
 * statement: moto only knows QUEUED -> RUNNING -> SUCCEEDED, so this loopback stub stands in
 * for that one case.
 */
export function athenaFailing(pattern: RegExp, reason: string): ProxyHook {
  const failing = new Set<string>();
  return async (call, next) => {
    const res = await next(call);
    if (
      call.target === 'AmazonAthena.StartQueryExecution' &&
      pattern.test(JSON.parse(utf8(call.body)).QueryString)
    ) {
      failing.add(JSON.parse(utf8(res.body)).QueryExecutionId);
    }
    if (
      call.target === 'AmazonAthena.GetQueryExecution' &&
      failing.has(JSON.parse(utf8(call.body)).QueryExecutionId)
    ) {
      const out = JSON.parse(utf8(res.body));
      out.QueryExecution.Status = {
        ...out.QueryExecution.Status,
        State: 'FAILED',
        StateChangeReason: reason,
        AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false, ErrorMessage: reason },
      };
      return json(out);
    }
    return res;
  };
}

/** DuckDB's type name as Athena's ColumnInfo.Type (what the same view yields on Athena). */
function athenaType(duck: string): Pick<StubResult['columns'][number], 'type' | 'precision' | 'scale'> {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duck);
  if (decimal) return { type: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
  const map: Record<string, string> = {
    BIGINT: 'bigint',
    HUGEINT: 'bigint',
    INTEGER: 'integer',
    DATE: 'date',
    VARCHAR: 'varchar',
    DOUBLE: 'double',
  };
  const type = map[duck];
  if (!type) throw new Error(`no Athena type for DuckDB ${duck}`);
  return { type };
}

/** Runs `sql` on the warehouse and returns its result as Athena would send it (all text). */
export async function asAthenaResult(file: string, sql: string): Promise<StubResult> {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    const types = reader.columnTypes().map((t) => athenaType(t.toString()));
    return {
      columns: reader
        .columnNames()
        .map((name, i) => ({ name, ...types[i] }) as StubResult['columns'][number]),
      rows: reader.getRowsJson().map((row) => row.map((v) => (v === null ? null : String(v)))),
    };
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}
