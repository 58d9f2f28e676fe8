import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { runDbt } from '../../tools/engines/dbt-runner.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { exportQuery } from '../../tools/exports/export-outputs.js';
import { factTablesSql, toOracleOrder } from '../sql/fact-fixture.js';
import { tieFixtureOrders } from '../sql/tie-fixture.js';
import { ORACLE_ROWS } from '../support/metrics-oracle.js';

/** `v_monthly_revenue` -> `mart_monthly_revenue`: each mart is named after its view. */
const martOf = (view: string): string => view.replace(/^v_/, 'mart_');

/**
 * The dbt marts on fact tables full of rounding ties (AOV 1.025, churn and retention
 * 41 / 640 = 0.0640625) against the TypeScript oracle, on DuckDB: plain DOUBLE division gets
 * these wrong, so the marts pass only with round_ratio's exact correction.
 */
describe('dbt marts on a fixture of rounding ties (DuckDB)', () => {
  let dir: string;
  let db: QueryEngine;
  const rows: Record<string, string[]> = {};
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
    for (const spec of CSV_EXPORTS) {
      const result = await db.query(exportQuery({ ...spec, view: martOf(spec.view) }));
      rows[spec.file] = result.map((r) => spec.columns.map((c) => String(r[c] ?? '')).join(','));
    }
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CSV_EXPORTS.map((s) => [s.file]))('%s from the mart equals the oracle', (file) => {
    const oracle = ORACLE_ROWS[file as keyof typeof ORACLE_ROWS](tieFixtureOrders().map(toOracleOrder));

    expect(rows[file]).toEqual(oracle.map((r) => r.join(',')));
  });

  it('holds the ties the fixture was made for', () => {
    expect(rows['monthly_revenue.csv']?.[0]).toBe('2025-01-01,656.00,640,1.03,641,640');
    expect(rows['monthly_churn.csv']?.[0]).toBe('2025-01-01,640,41,0.064063');
  });
});
