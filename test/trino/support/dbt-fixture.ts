import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { runDbt } from '../../../tools/engines/dbt-runner.js';
import type { QueryEngine } from '../../../tools/engines/query-engine.js';
import { trinoDbtEnv } from '../../../tools/trino/dbt-env.js';
import { TRINO_CATALOG } from '../../../tools/trino/server-config.js';
import { openTrinoEngine } from '../../../tools/trino/trino-engine.js';
import { type FixtureOrder, factTablesSql } from '../../sql/fact-fixture.js';
import { connection, dropSchema, testSchema, useTrino } from './trino-server.js';

/** A schema of its own holding fixture fact tables, with dbt-trino run over it (`dbtArgs`). */
export interface TrinoDbtFixture {
  trino: QueryEngine;
  /** Drops the schema and removes dbt's target folder. */
  cleanup: () => Promise<void>;
}

export async function dbtOnTrinoFixture(
  name: string,
  orders: FixtureOrder[],
  dbtArgs: string[],
): Promise<TrinoDbtFixture> {
  const schema = testSchema(name);
  const dir = await mkdtemp(path.join(os.tmpdir(), `trino-${name}-`));
  const server = await useTrino();
  const conn = connection(server.url, schema);
  const trino = await openTrinoEngine(conn);
  const cleanup = async () => {
    await dropSchema(trino, schema);
    await trino.close();
    await rm(dir, { recursive: true, force: true });
  };
  await trino.exec(`CREATE SCHEMA IF NOT EXISTS "${TRINO_CATALOG}"."${schema}"`);
  for (const sql of factTablesSql(orders, 'trino')) await trino.exec(sql);
  const summary = await runDbt({
    args: dbtArgs,
    target: 'trino',
    targetPath: path.join(dir, 'target'),
    logPath: path.join(dir, 'logs'),
    env: trinoDbtEnv(conn),
    onLine: () => {},
  });
  expect(summary.failures).toEqual([]);
  return { trino, cleanup };
}
