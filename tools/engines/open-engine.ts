import { existsSync } from 'node:fs';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../lib/errors.js';
import { lakePath } from '../lib/lake-path.js';
import type { LakeOptions } from '../lib/options.js';
import { openDuckDbEngine } from './duckdb-engine.js';
import type { QueryEngine } from './query-engine.js';

/** Where the local catalog lives: `<lake>/warehouse.duckdb`. */
export const warehousePath = (lake: string): string => lakePath(lake, LAKE.warehouse);

/** How a command uses the catalog. */
export interface EngineAccess {
  /** Readers (exports) open read-only: they may run beside other readers. */
  readOnly?: boolean;
  /** Only the crawl creates the local catalog; everyone else needs it to exist. */
  create?: boolean;
}

/**
 * Opens the query engine of a target: locally the DuckDB warehouse of the lake.
 * The Athena engine plugs in here for `--target aws`.
 */
export async function openEngine(opts: LakeOptions & EngineAccess): Promise<QueryEngine> {
  if (opts.target !== 'local') {
    throw new OpsError(
      'ENGINE_UNAVAILABLE',
      `no query engine for --target ${opts.target} yet`,
      'run the analytics steps with --target local',
    );
  }
  const file = warehousePath(opts.lake);
  if (!opts.create && !existsSync(file)) {
    throw new OpsError('NO_WAREHOUSE', `no catalog at ${file}`, 'run `ops crawl` (after `ops etl`) first');
  }
  try {
    return await openDuckDbEngine(file, { readOnly: opts.readOnly ?? false });
  } catch (err) {
    throw new OpsError(
      'WAREHOUSE_UNAVAILABLE',
      `cannot open ${file}: ${(err as Error).message}`,
      'another process (dbt, another ops command) may be writing it; retry when it has finished',
      { cause: err },
    );
  }
}

/** Runs `work` with an engine and always closes it, so the warehouse file lock is released. */
export async function withEngine<T>(
  opts: LakeOptions & EngineAccess,
  work: (engine: QueryEngine) => Promise<T>,
): Promise<T> {
  const engine = await openEngine(opts);
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}
