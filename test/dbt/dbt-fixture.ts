import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { runDbt } from '../../tools/engines/dbt-runner.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { type FixtureOrder, factTablesSql } from '../sql/fact-fixture.js';

/** A warehouse of fixture fact tables with dbt-duckdb run over it (`dbtArgs`), open read-only. */
export interface DuckDbDbtFixture {
  db: QueryEngine;
  /** Closes the warehouse and removes its folder. */
  cleanup: () => Promise<void>;
}

export async function dbtOnDuckDbFixture(
  name: string,
  orders: FixtureOrder[],
  dbtArgs: string[],
): Promise<DuckDbDbtFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `dbt-${name}-`));
  const warehouse = path.join(dir, 'warehouse.duckdb');
  const seed = await openDuckDbEngine(warehouse);
  for (const sql of factTablesSql(orders)) await seed.exec(sql);
  await seed.close();
  const summary = await runDbt({
    args: dbtArgs,
    target: 'local',
    warehouse,
    targetPath: path.join(dir, 'target'),
    logPath: path.join(dir, 'logs'),
    onLine: () => {},
  });
  expect(summary.failures).toEqual([]);
  const db = await openDuckDbEngine(warehouse, { readOnly: true });
  return {
    db,
    cleanup: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
