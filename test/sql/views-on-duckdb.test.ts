import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { createViews, SQL_DIR } from '../../tools/engines/create-views.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { exportQuery } from '../../tools/exports/export-outputs.js';
import { ORACLE_ROWS } from '../support/metrics-oracle.js';
import { factTablesSql, toOracleOrder } from './fact-fixture.js';
import { tieFixtureOrders as fixtureOrders } from './tie-fixture.js';

describe('the views on known fact tables (DuckDB)', () => {
  let engine: QueryEngine;
  const rows: Record<string, string[]> = {};
  beforeAll(async () => {
    engine = await openDuckDbEngine(':memory:');
    for (const sql of factTablesSql(fixtureOrders())) await engine.exec(sql);
    await createViews(engine, SQL_DIR, { quality: true });
    for (const spec of CSV_EXPORTS) {
      // The export query, read from the view instead of the mart: this file pins the views.
      const result = await engine.query(exportQuery({ ...spec, mart: spec.view }));
      rows[spec.view] = result.map((r) => spec.columns.map((c) => String(r[c] ?? '')).join(','));
    }
  });
  afterAll(() => engine.close());

  it('rounds average order values of ties up, exactly', () => {
    expect(rows.v_monthly_revenue).toEqual([
      '2025-01-01,656.00,640,1.03,641,640',
      '2025-02-01,601.01,601,1.00,601,600',
      '2025-04-01,41.00,41,1.00,41,41',
      '2025-05-01,0.00,0,,0,0',
    ]);
  });

  it('has no previous month or growth after an unobserved month, and signed growth otherwise', () => {
    expect(rows.v_revenue_mom).toEqual([
      '2025-01-01,656.00,,,656.00',
      '2025-02-01,601.01,656.00,-0.083826,1257.01',
      '2025-04-01,41.00,,,1298.01',
      '2025-05-01,0.00,41.00,-1.000000,1298.01',
    ]);
  });

  it('reports churn only where the next month was observed, rounding a tie exactly', () => {
    expect(rows.v_monthly_churn).toEqual([
      '2025-01-01,640,41,0.064063',
      '2025-02-01,600,,',
      '2025-04-01,41,41,1.000000',
      '2025-05-01,0,,',
    ]);
  });

  it('has retention rows for observed months only, within six months of the cohort', () => {
    expect(rows.v_cohort_retention).toEqual([
      '2025-01-01,0,640,640,1.000000',
      '2025-01-01,1,640,599,0.935938',
      '2025-01-01,3,640,41,0.064063',
      '2025-01-01,4,640,0,0.000000',
      '2025-02-01,0,1,1,1.000000',
      '2025-02-01,2,1,0,0.000000',
      '2025-02-01,3,1,0,0.000000',
    ]);
  });

  it('splits active customers into new and returning', () => {
    expect(rows.v_monthly_active_customers).toEqual([
      '2025-01-01,640,640,0',
      '2025-02-01,600,1,599',
      '2025-04-01,41,0,41',
      '2025-05-01,0,0,0',
    ]);
  });

  it('reports engagement per country with repeat rates', () => {
    expect(rows.v_geo_engagement).toEqual([
      '2025-01-01,US,640,640,656.00,1.03,0.000000',
      '2025-02-01,UK,1,2,2.01,1.01,0.000000',
      '2025-02-01,US,599,599,599.00,1.00,1.000000',
      '2025-04-01,US,41,41,41.00,1.00,1.000000',
    ]);
  });

  it('sums category revenue from line totals of completed orders', () => {
    expect(rows.v_category_sales_monthly).toEqual([
      '2025-01-01,books,640.00,640,640',
      '2025-01-01,toys_games,16.00,1,1',
      '2025-02-01,books,601.01,601,601',
      '2025-04-01,books,41.00,41,41',
    ]);
  });

  it('agrees with the TypeScript oracle on every export', () => {
    const oracleOrders = fixtureOrders().map(toOracleOrder);

    for (const spec of CSV_EXPORTS) {
      expect(rows[spec.view], spec.file).toEqual(
        ORACLE_ROWS[spec.file](oracleOrders).map((r) => r.join(',')),
      );
    }
  });
});
