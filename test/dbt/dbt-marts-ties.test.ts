import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { runDbt } from '../../tools/engines/dbt-runner.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { factTablesSql } from '../sql/fact-fixture.js';
import { martExportRows, oracleTieRows, TIE_ROWS, tieFixtureOrders } from '../sql/tie-fixture.js';

/**
 * The dbt marts on fact tables full of rounding ties (AOV 1.025, churn and retention
 * 41 / 640 = 0.0640625) against the TypeScript oracle, on DuckDB: plain DOUBLE division gets
 * these wrong, so the marts pass only with round_ratio's exact correction. The same fixture on
 * Trino: test/trino/trino-marts-ties.test.ts.
 */
describe('dbt marts on a fixture of rounding ties (DuckDB)', () => {
  let dir: string;
  let db: QueryEngine;
  let rows: Record<string, string[]> = {};
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dbt-ties-'));
    const warehouse = path.join(dir, 'warehouse.duckdb');
    const seed = await openDuckDbEngine(warehouse);
    for (const sql of factTablesSql(tieFixtureOrders())) await seed.exec(sql);
    await seed.close();
    const summary = await runDbt({
      args: ['run'],
      target: 'local',
      warehouse,
      targetPath: path.join(dir, 'target'),
      logPath: path.join(dir, 'logs'),
      onLine: () => {},
    });
    expect(summary.failures).toEqual([]);
    db = await openDuckDbEngine(warehouse, { readOnly: true });
    rows = await martExportRows(db);
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CSV_EXPORTS.map((s) => [s.file]))('%s from the mart equals the oracle', (file) => {
    expect(rows[file]).toEqual(oracleTieRows(file));
  });

  it('holds the ties the fixture was made for', () => {
    expect(rows['monthly_revenue.csv']?.[0]).toBe(TIE_ROWS['monthly_revenue.csv']);
    expect(rows['monthly_churn.csv']?.[0]).toBe(TIE_ROWS['monthly_churn.csv']);
  });
});
