import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterFixtureOrders, filterMartRows, oracleFilterRows } from '../sql/filter-fixture.js';
import { type DuckDbDbtFixture, dbtOnDuckDbFixture } from './dbt-fixture.js';

/**
 * mart_monthly_sales_by_filter counts customers by group where a customer-month has at most three
 * finest cells, and one by one where it (or the month after) has more. Generated data never has
 * more (a customer keeps one country and segment), so this fixture does, next to customers that
 * take the grouped path, and the mart must equal the oracle's per-customer cube row for row. The
 * same fixture on Trino: test/trino/trino-marts-ties.test.ts.
 */
describe('mart_monthly_sales_by_filter on customers of many cells (DuckDB)', () => {
  let fixture: DuckDbDbtFixture | undefined;
  let rows: string[] = [];
  beforeAll(async () => {
    fixture = await dbtOnDuckDbFixture('filter', filterFixtureOrders(), [
      'run',
      '--select',
      '+mart_monthly_sales_by_filter',
    ]);
    rows = await filterMartRows(fixture.db);
  });
  afterAll(() => fixture?.cleanup());

  it('equals the oracle, row for row', () => {
    expect(rows).toEqual(oracleFilterRows());
  });

  it('has the customers the paths were made for', () => {
    const row = (cell: string) => rows.find((r) => r.startsWith(cell))?.split(',');
    // January, all cells: P1, S1, S2, T1, O1 active; P1, S1, T1 new (S2, O1 signed up before);
    // S2 does not come back in February: the one churned customer.
    expect(row('2025-01-01,all,all,all,')?.slice(-3)).toEqual(['5', '3', '1']);
    // S1 in the UK: January via mobile_app and online, February via store: retained at country level only.
    expect(row('2025-01-01,UK,all,all,')?.slice(-3)).toEqual(['1', '1', '0']);
    expect(row('2025-01-01,UK,online,all,')?.slice(-3)).toEqual(['1', '1', '1']);
  });
});
