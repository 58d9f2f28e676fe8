import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { filterFixtureOrders, filterMartRows, oracleFilterRows } from '../sql/filter-fixture.js';
import { martExportRows, oracleTieRows, TIE_ROWS, tieFixtureOrders } from '../sql/tie-fixture.js';
import { dbtOnTrinoFixture, type TrinoDbtFixture } from './support/dbt-fixture.js';

/**
 * The rounding-tie fixture of test/dbt/dbt-marts-ties.test.ts on Trino: dbt-trino builds the marts
 * over fact tables holding the ties, and every export read from them must equal the oracle, as on
 * DuckDB. It is the DuckDB test that catches a broken tie check in round_ratio: Trino casts the
 * DOUBLE guess to DECIMAL through its shortest decimal spelling (1.025, not 1.02499…), so its
 * guess is already right at these ties and a `<` for `<=` passes here (measured 2026-12-02).
 */
describe('dbt marts on a fixture of rounding ties (Trino)', () => {
  let fixture: TrinoDbtFixture | undefined;
  let rows: Record<string, string[]> = {};

  beforeAll(async () => {
    fixture = await dbtOnTrinoFixture('ties', tieFixtureOrders(), ['run']);
    rows = await martExportRows(fixture.trino);
  }, 600_000);
  afterAll(() => fixture?.cleanup());

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
  let fixture: TrinoDbtFixture | undefined;
  let rows: string[] = [];

  beforeAll(async () => {
    fixture = await dbtOnTrinoFixture('filter', filterFixtureOrders(), [
      'run',
      '--select',
      '+mart_monthly_sales_by_filter',
    ]);
    rows = await filterMartRows(fixture.trino);
  }, 600_000);
  afterAll(() => fixture?.cleanup());

  it('equals the oracle, row for row', () => {
    expect(rows).toEqual(oracleFilterRows());
  });
});
