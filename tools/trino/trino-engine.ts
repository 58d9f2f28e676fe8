import { setTimeout as sleep } from 'node:timers/promises';
import { OpsError } from '../../contracts/ops-error.js';
import type { QueryEngine, SqlRow } from '../engines/query-engine.js';
import { socketCause, trinoFailure } from './trino-errors.js';
import { parseTrinoJson, type TrinoColumn, type TrinoPage, toSqlValue } from './trino-protocol.js';

/** Where and as whom to run queries on a Trino (or Starburst) coordinator. */
export interface TrinoConnection {
  /** Coordinator URL, e.g. `http://127.0.0.1:8080`; `https://` for TLS. */
  url: string;
  user: string;
  catalog: string;
  schema: string;
  /** HTTP basic authentication; Trino accepts it over HTTPS only. */
  password?: string;
}

/** Seconds one HTTP request may take: Trino answers a poll within about a second. */
const REQUEST_TIMEOUT_MS = 60_000;
/** The pause before either retry below. */
const RETRY_PAUSE_MS = 1000;
/** Trino answers 429/502/503/504 while busy or starting: retried this many times, 1 s apart. */
const BUSY_RETRIES = 30;
/**
 * A statement refused with NO_NODES_AVAILABLE is sent again, 1 s apart, this many times: Trino
 * schedules only on nodes that have announced themselves, which a worker does a few seconds after
 * it starts and again after a missed heartbeat (a loaded machine). The error comes before any task
 * runs, so sending the statement again cannot apply it twice.
 */
const NO_NODES_RETRIES = 30;

const START_HINT = 'start the development server with `npm run trino -- start`, or check the Trino URL';

/** A statement Trino could not schedule yet (NO_NODES_AVAILABLE); `failure` is the error to report. */
class NoNodesYet extends Error {
  constructor(readonly failure: OpsError) {
    super(failure.message);
  }
}

/** A client of Trino's REST protocol (`POST /v1/statement`, then follow `nextUri`). */
export class TrinoClient {
  constructor(readonly conn: TrinoConnection) {}

  private headers(): Record<string, string> {
    const h: Record<string, string> = {
      'X-Trino-User': this.conn.user,
      'X-Trino-Catalog': this.conn.catalog,
      'X-Trino-Schema': this.conn.schema,
      'X-Trino-Source': 'store-sales-ops',
    };
    if (this.conn.password !== undefined) {
      h.Authorization = `Basic ${Buffer.from(`${this.conn.user}:${this.conn.password}`).toString('base64')}`;
    }
    return h;
  }

  /** A coordinator endpoint such as `/v1/info`, whether or not the URL ends in a slash. */
  private endpoint(path: string): string {
    return `${this.conn.url.replace(/\/$/, '')}${path}`;
  }

  /** TRINO_UNREACHABLE for a request that got no HTTP answer at all. */
  private unreachable(err: unknown): OpsError {
    return new OpsError(
      'TRINO_UNREACHABLE',
      `cannot reach Trino at ${this.conn.url}: ${socketCause(err)}`,
      START_HINT,
      { cause: err },
    );
  }

  private async request(url: string, init: RequestInit): Promise<TrinoPage> {
    for (let attempt = 0; ; attempt += 1) {
      let res: Response;
      try {
        res = await fetch(url, {
          ...init,
          headers: this.headers(),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (err) {
        throw this.unreachable(err);
      }
      const body = await res.text();
      if ([429, 502, 503, 504].includes(res.status) && attempt < BUSY_RETRIES) {
        await sleep(RETRY_PAUSE_MS);
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new OpsError('TRINO_AUTH', `Trino refused user ${this.conn.user}: HTTP ${res.status}`);
      }
      if (!res.ok) {
        throw new OpsError(
          'TRINO_HTTP',
          `Trino answered HTTP ${res.status}: ${body.slice(0, 300)}`,
          START_HINT,
        );
      }
      return parseTrinoJson(body) as TrinoPage;
    }
  }

  /** Runs one statement to completion and returns its columns and rows (converted to SqlValues). */
  async run(sql: string): Promise<{ columns: TrinoColumn[]; rows: SqlRow[] }> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.runOnce(sql);
      } catch (err) {
        if (!(err instanceof NoNodesYet)) throw err;
        if (attempt >= NO_NODES_RETRIES) throw err.failure;
        await sleep(RETRY_PAUSE_MS);
      }
    }
  }

  private async runOnce(sql: string): Promise<{ columns: TrinoColumn[]; rows: SqlRow[] }> {
    let page = await this.request(this.endpoint('/v1/statement'), {
      method: 'POST',
      body: sql,
    });
    let columns: TrinoColumn[] = [];
    const rows: SqlRow[] = [];
    for (;;) {
      if (page.error?.errorName === 'NO_NODES_AVAILABLE')
        throw new NoNodesYet(trinoFailure(page.error, this.conn));
      if (page.error) throw trinoFailure(page.error, this.conn);
      if (page.columns) columns = page.columns;
      for (const values of page.data ?? []) {
        const row: SqlRow = {};
        columns.forEach((c, i) => {
          row[c.name] = toSqlValue(values[i], c);
        });
        rows.push(row);
      }
      if (!page.nextUri) return { columns, rows };
      page = await this.request(page.nextUri, { method: 'GET' });
    }
  }

  /** Throws TRINO_UNREACHABLE unless the coordinator answers and has finished starting. */
  async ping(): Promise<void> {
    let info: { starting?: boolean };
    try {
      const res = await fetch(this.endpoint('/v1/info'), {
        signal: AbortSignal.timeout(5000),
      });
      info = (await res.json()) as { starting?: boolean };
    } catch (err) {
      throw this.unreachable(err);
    }
    if (info.starting !== false) {
      throw new OpsError(
        'TRINO_STARTING',
        `Trino at ${this.conn.url} is still starting`,
        'retry in a few seconds',
      );
    }
  }
}

/**
 * Opens Trino as a `QueryEngine` after checking that the coordinator answers. Rows come back
 * as the DuckDB engine returns them (BIGINT/DECIMAL as exact strings, dates as `YYYY-MM-DD`),
 * so exports are byte-identical across engines. No `transaction`: Hive DDL is not transactional.
 */
export async function openTrinoEngine(conn: TrinoConnection): Promise<QueryEngine> {
  const client = new TrinoClient(conn);
  await client.ping();
  return {
    name: 'trino',
    async exec(sql) {
      await client.run(sql);
    },
    async query(sql) {
      return (await client.run(sql)).rows;
    },
    async close() {},
  };
}
