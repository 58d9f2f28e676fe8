import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { createViews, SQL_DIR } from '../../tools/engines/create-views.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { exportQuery } from '../../tools/exports/export-outputs.js';
import { ORACLE_ROWS } from '../support/metrics-oracle.js';
import { type FixtureOrder, factTablesSql, toOracleOrder } from './fact-fixture.js';

/**
 * Honest cohorts: the data window opens in January 2025, the store is older. OLD signed up in
 * 2024 and buys in January and February: they may have bought before the window, so they are
 * never new and in no cohort. NEW signed up in January and buys in January and February: new in
 * January, January's cohort. LATE signed up in January (newsletter) and first buys in February:
 * new in February, February's cohort.
 */
const orders: FixtureOrder[] = [
  {
    id: 'O1',
    date: '2025-01-05',
    status: 'completed',
    customer: 'OLD',
    country: 'US',
    signup: '2024-03-10',
    lines: [{ category: 'books', usd: '10.00' }],
  },
  {
    id: 'O2',
    date: '2025-02-05',
    status: 'completed',
    customer: 'OLD',
    country: 'US',
    signup: '2024-03-10',
    lines: [{ category: 'books', usd: '10.00' }],
  },
  {
    id: 'O3',
    date: '2025-01-06',
    status: 'completed',
    customer: 'NEW',
    country: 'US',
    signup: '2025-01-06',
    lines: [{ category: 'books', usd: '20.00' }],
  },
  {
    id: 'O4',
    date: '2025-02-06',
    status: 'completed',
    customer: 'NEW',
    country: 'US',
    signup: '2025-01-06',
    lines: [{ category: 'books', usd: '20.00' }],
  },
  {
    id: 'O5',
    date: '2025-02-07',
    status: 'completed',
    customer: 'LATE',
    country: 'UK',
    signup: '2025-01-20',
    lines: [{ category: 'books', usd: '5.00' }],
  },
];

describe('honest cohorts: customers who signed up before the data window are never new', () => {
  let engine: QueryEngine;
  const rows: Record<string, string[]> = {};
  beforeAll(async () => {
    engine = await openDuckDbEngine(':memory:');
    for (const sql of factTablesSql(orders)) await engine.exec(sql);
    await createViews(engine, SQL_DIR, { quality: true });
    for (const spec of CSV_EXPORTS) {
      const result = await engine.query(exportQuery({ ...spec, mart: spec.view }));
      rows[spec.view] = result.map((r) => spec.columns.map((c) => String(r[c] ?? '')).join(','));
    }
  });
  afterAll(() => engine.close());

  it('counts a pre-window signup as returning, not new, from the first month', () => {
    expect(rows.v_monthly_active_customers).toEqual(['2025-01-01,2,1,1', '2025-02-01,3,1,2']);
  });

  it('leaves pre-window signups out of every cohort', () => {
    expect(rows.v_cohort_retention).toEqual([
      '2025-01-01,0,1,1,1.000000',
      '2025-01-01,1,1,1,1.000000',
      '2025-02-01,0,1,1,1.000000',
    ]);
  });

  it('counts pre-window signups as repeat customers in the geography', () => {
    expect(rows.v_geo_engagement).toEqual([
      '2025-01-01,US,2,2,30.00,15.00,0.500000',
      '2025-02-01,UK,1,1,5.00,5.00,0.000000',
      '2025-02-01,US,2,2,30.00,15.00,1.000000',
    ]);
  });

  it('agrees with the TypeScript oracle on every export', () => {
    const oracleOrders = orders.map(toOracleOrder);
    for (const spec of CSV_EXPORTS) {
      expect(rows[spec.view], spec.file).toEqual(
        ORACLE_ROWS[spec.file](oracleOrders).map((r) => r.join(',')),
      );
    }
  });
});
