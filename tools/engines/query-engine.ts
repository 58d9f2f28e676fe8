/**
 * A value as the export layer sees it. Engines return exact numbers (DECIMAL, BIGINT) and
 * dates as strings (`'25502110.35'`, `'2025-01-01'`) so money never passes through a float;
 * small integers may come back as numbers. NULL is `null`.
 */
export type SqlValue = string | number | boolean | null;

/** One result row keyed by column name. */
export type SqlRow = Record<string, SqlValue>;

/**
 * The little the analytics layer needs from a SQL engine (DuckDB locally, Athena on AWS):
 * run a statement, or run a query and get its rows. Implementations report failures by
 * rejecting with the engine's own message; callers add where the SQL came from.
 */
export interface QueryEngine {
  /** Short engine name for messages, e.g. `duckdb`. */
  readonly name: string;
  /** Runs one statement (DDL or DML) and discards any result. */
  exec(sql: string): Promise<void>;
  /** Runs one query and returns all of its rows, materialized. */
  query(sql: string): Promise<SqlRow[]>;
  /**
   * Runs `work` atomically where the engine has transactions for DDL (DuckDB): all of its
   * statements take effect or none. Absent on engines without them (Athena).
   */
  transaction?<T>(work: () => Promise<T>): Promise<T>;
  /** Releases the engine's connections (DuckDB: the file lock other processes wait for). */
  close(): Promise<void>;
}
