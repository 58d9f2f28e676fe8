import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { martExportRows, oracleTieRows, TIE_ROWS, tieFixtureOrders } from '../sql/tie-fixture.js';
import { type DuckDbDbtFixture, dbtOnDuckDbFixture } from './dbt-fixture.js';

/**
 * The dbt marts on fact tables full of rounding ties (AOV 1.025, churn and retention
 * 41 / 640 = 0.0640625) against the TypeScript oracle, on DuckDB: plain DOUBLE division gets
 * these wrong, so the marts pass only with round_ratio's exact correction. The same fixture on
 * Trino: test/trino/trino-marts-ties.test.ts.
 */
describe('dbt marts on a fixture of rounding ties (DuckDB)', () => {
  let fixture: DuckDbDbtFixture | undefined;
  let rows: Record<string, string[]> = {};
  beforeAll(async () => {
    fixture = await dbtOnDuckDbFixture('ties', tieFixtureOrders(), ['run']);
    rows = await martExportRows(fixture.db);
  });
  afterAll(() => fixture?.cleanup());

  it.each(CSV_EXPORTS.map((s) => [s.file]))('%s from the mart equals the oracle', (file) => {
    expect(rows[file]).toEqual(oracleTieRows(file));
  });

  it('holds the ties the fixture was made for', () => {
    expect(rows['monthly_revenue.csv']?.[0]).toBe(TIE_ROWS['monthly_revenue.csv']);
    expect(rows['monthly_churn.csv']?.[0]).toBe(TIE_ROWS['monthly_churn.csv']);
  });
});
