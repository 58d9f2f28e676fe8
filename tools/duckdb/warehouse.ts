import { existsSync } from 'node:fs';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import type { QueryEngine } from '../engines/query-engine.js';
import { LOCKED_BY_ANOTHER_PROCESS, REFUSED_BY_FILE_SYSTEM } from '../lib/errors.js';
import { lakePath } from '../lib/lake-path.js';

/** Where the DuckDB catalog lives: `<lake>/warehouse.duckdb`. */
export const warehousePath = (lake: string): string => lakePath(lake, LAKE.warehouse);

/** How a command uses the warehouse. */
export interface WarehouseAccess {
  lake: string;
  /** Readers (exports) open read-only: they may run beside other readers. */
  readOnly?: boolean;
  /** Only the crawl creates the local catalog; everyone else needs it to exist. */
  create?: boolean;
}

/**
 * Opens the lake's DuckDB warehouse, the local target's catalog and query engine. Only the crawl
 * creates it; everyone else needs it to exist.
 */
export async function openWarehouse(opts: WarehouseAccess): Promise<QueryEngine> {
  const file = warehousePath(opts.lake);
  if (!opts.create && !existsSync(file)) {
    throw new OpsError(
      'NO_WAREHOUSE',
      `no catalog at ${file}`,
      'run `npx ops crawl` (after `npx ops etl`) first',
    );
  }
  // DuckDB's native module loads on first use: `ops` commands that never open the warehouse
  // start without it (test/tools/commands/cli-startup.test.ts). Outside the try: a binding that
  // fails to load is its own error, not a warehouse someone else holds.
  const { openDuckDbEngine } = await import('./duckdb-engine.js');
  try {
    return await openDuckDbEngine(file, { readOnly: opts.readOnly ?? false });
  } catch (err) {
    throw openFailure(file, err);
  }
}

/**
 * Why DuckDB could not open the warehouse, told apart by its message: a path the file system
 * refuses, a file that is no DuckDB database, a lock another process holds (retrying helps), or
 * anything else DuckDB says of the file.
 */
export function openFailure(file: string, err: unknown): OpsError {
  const message = `cannot open ${file}: ${(err as Error).message}`;
  if (REFUSED_BY_FILE_SYSTEM.test(message)) {
    return new OpsError(
      'FILE_SYSTEM',
      message,
      'the file system refuses the warehouse: check the owner and mode of the lake folder and its warehouse.duckdb, and that its disk is writable and has space',
      { cause: err },
    );
  }
  if (/not a valid DuckDB database/i.test(message)) {
    return new OpsError(
      'WAREHOUSE_UNAVAILABLE',
      message,
      'move that file away, then run `npx ops crawl` to make the catalog again (the facts are in the lake folder)',
      { cause: err },
    );
  }
  if (LOCKED_BY_ANOTHER_PROCESS.test(message)) {
    return new OpsError(
      'WAREHOUSE_UNAVAILABLE',
      message,
      'another process has it open (dbt, another ops command, a DuckDB or Python session, even read-only); retry when it has closed it',
      { cause: err },
    );
  }
  return new OpsError(
    'WAREHOUSE_UNAVAILABLE',
    message,
    'DuckDB cannot use that file as it is (e.g. written by another DuckDB version): move it away, then run `npx ops crawl` to make the catalog again (the facts are in the lake folder)',
    { cause: err },
  );
}

/** Runs `work` with an engine and always closes it, so the warehouse file lock is released. */
export async function withWarehouse<T>(
  opts: WarehouseAccess,
  work: (engine: QueryEngine) => Promise<T>,
): Promise<T> {
  const engine = await openWarehouse(opts);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}
