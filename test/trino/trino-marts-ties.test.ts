import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { runDbt } from '../../tools/engines/dbt-runner.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { trinoDbtEnv } from '../../tools/trino/dbt-env.js';
import { TRINO_CATALOG } from '../../tools/trino/server-config.js';
import { openTrinoEngine } from '../../tools/trino/trino-engine.js';
import { factTablesSql } from '../sql/fact-fixture.js';
import { filterFixtureOrders, filterMartRows, oracleFilterRows } from '../sql/filter-fixture.js';
import { martExportRows, oracleTieRows, TIE_ROWS, tieFixtureOrders } from '../sql/tie-fixture.js';
import { connection, dropSchema, testSchema, useTrino } from './support/trino-server.js';

/**
 * The rounding-tie fixture of test/dbt/dbt-marts-ties.test.ts on Trino: dbt-trino builds the marts
 * over fact tables holding the ties, and every export read from them must equal the oracle, as on
 * DuckDB. It is the DuckDB test that catches a broken tie check in round_ratio: Trino casts the
 * DOUBLE guess to DECIMAL through its shortest decimal spelling (1.025, not 1.02499…), so its
 * guess is already right at these ties and a `<` for `<=` passes here (measured 2026-12-02).
 */
describe('dbt marts on a fixture of rounding ties (Trino)', () => {
  const schema = testSchema('ties');
  let dir: string;
  let trino: QueryEngine;
  let rows: Record<string, string[]> = {};

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'trino-ties-'));
    const server = await useTrino();
    const conn = connection(server.url, schema);
    trino = await openTrinoEngine(conn);
    await trino.exec(`CREATE SCHEMA IF NOT EXISTS "${TRINO_CATALOG}"."${schema}"`);
    for (const sql of factTablesSql(tieFixtureOrders(), 'trino')) await trino.exec(sql);
    const summary = await runDbt({
      args: ['run'],
      target: 'trino',
      targetPath: path.join(dir, 'target'),
      logPath: path.join(dir, 'logs'),
      env: trinoDbtEnv(conn),
      onLine: () => {},
    });
    expect(summary.failures).toEqual([]);
    rows = await martExportRows(trino);
  }, 600_000);
  afterAll(async () => {
    if (trino) {
      await dropSchema(trino, schema);
      await trino.close();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(CSV_EXPORTS.map((s) => [s.file]))('%s from the mart equals the oracle', (file) => {
    expect(rows[file]).toEqual(oracleTieRows(file));
  });

  it('holds the ties the fixture was made for', () => {
    expect(rows['monthly_revenue.csv']?.[0]).toBe(TIE_ROWS['monthly_revenue.csv']);
    expect(rows['monthly_churn.csv']?.[0]).toBe(TIE_ROWS['monthly_churn.csv']);
  });
});

/** mart_monthly_sales_by_filter's grouped and one-by-one paths (test/dbt/dbt-filter-mart.test.ts) on Trino. */
describe('mart_monthly_sales_by_filter on customers of many cells (Trino)', () => {
  const schema = testSchema('filter');
  let dir: string;
  let trino: QueryEngine;
  let rows: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'trino-filter-'));
    const server = await useTrino();
    const conn = connection(server.url, schema);
    trino = await openTrinoEngine(conn);
    await trino.exec(`CREATE SCHEMA IF NOT EXISTS "${TRINO_CATALOG}"."${schema}"`);
    for (const sql of factTablesSql(filterFixtureOrders(), 'trino')) await trino.exec(sql);
    const summary = await runDbt({
      args: ['run', '--select', '+mart_monthly_sales_by_filter'],
      target: 'trino',
      targetPath: path.join(dir, 'target'),
      logPath: path.join(dir, 'logs'),
      env: trinoDbtEnv(conn),
      onLine: () => {},
    });
    expect(summary.failures).toEqual([]);
    rows = await filterMartRows(trino);
  }, 600_000);
  afterAll(async () => {
    if (trino) {
      await dropSchema(trino, schema);
      await trino.close();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('equals the oracle, row for row', () => {
    expect(rows).toEqual(oracleFilterRows());
  });
});
