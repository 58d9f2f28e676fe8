import { CSV_EXPORTS, type CsvExportSpec } from '../../contracts/csv-exports.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { csvField } from '../../tools/exports/csv.js';
import { exportQuery } from '../../tools/exports/export-outputs.js';
import { monthlySalesByFilterRows } from '../support/metrics-oracle.js';
import { type FixtureOrder, toOracleOrder } from './fact-fixture.js';

/**
 * Hand-made orders for mart_monthly_sales_by_filter's two paths (its header comment): customers
 * with one to three finest cells (country x channel x segment) in a month, counted by group,
 * and customers with more — two countries, two segments, four channels' worth — in a month or
 * the month after, counted one by one. Both kinds are active, new (signed up inside the window)
 * or returning (signed up before it), retained in some cells and churned in others. April has
 * one order, so March's churn is known.
 */
export function filterFixtureOrders(): FixtureOrder[] {
  const orders: FixtureOrder[] = [];
  const add = (
    date: string,
    customer: string,
    country: string,
    channel: string,
    segment = 'consumer',
    options: { status?: FixtureOrder['status']; signup?: string; usd?: string } = {},
  ) =>
    orders.push({
      id: `F${orders.length}`,
      date,
      status: options.status ?? 'completed',
      customer,
      country,
      channel,
      segment,
      lines: [{ category: 'books', usd: options.usd ?? `${10 + orders.length}.25` }],
      ...(options.signup ? { signup: options.signup } : {}),
    });
  // P1: one cell a month, the channel changes in March.
  add('2025-01-05', 'P1', 'US', 'online');
  add('2025-02-05', 'P1', 'US', 'online');
  add('2025-03-05', 'P1', 'US', 'store');
  add('2025-04-05', 'P1', 'US', 'online');
  // S1: four cells in January (two countries), two in February, three in March.
  add('2025-01-06', 'S1', 'US', 'online');
  add('2025-01-07', 'S1', 'US', 'store');
  add('2025-01-08', 'S1', 'UK', 'online');
  add('2025-01-09', 'S1', 'UK', 'mobile_app');
  add('2025-02-06', 'S1', 'US', 'online');
  add('2025-02-07', 'S1', 'UK', 'store');
  add('2025-02-08', 'S1', 'FR', 'store', 'consumer', { status: 'cancelled' });
  add('2025-03-06', 'S1', 'US', 'online');
  add('2025-03-07', 'S1', 'US', 'store');
  add('2025-03-08', 'S1', 'US', 'mobile_app');
  // S2: four cells in January (two segments), none in February, one in March; signed up before the window.
  const old = { signup: '2024-06-01' };
  add('2025-01-10', 'S2', 'US', 'online', 'consumer', old);
  add('2025-01-11', 'S2', 'US', 'online', 'corporate', old);
  add('2025-01-12', 'S2', 'US', 'store', 'consumer', old);
  add('2025-01-13', 'S2', 'US', 'store', 'corporate', old);
  add('2025-03-10', 'S2', 'US', 'online', 'corporate', old);
  // T1: three cells (every channel) in January, two in February, then a month of five cells.
  add('2025-01-14', 'T1', 'DE', 'online');
  add('2025-01-15', 'T1', 'DE', 'store');
  add('2025-01-16', 'T1', 'DE', 'mobile_app');
  add('2025-02-14', 'T1', 'DE', 'store');
  add('2025-02-15', 'T1', 'DE', 'mobile_app');
  add('2025-02-16', 'T1', 'DE', 'mobile_app');
  for (const [channel, segment] of [
    ['online', 'consumer'],
    ['store', 'consumer'],
    ['mobile_app', 'consumer'],
    ['online', 'small_business'],
    ['store', 'small_business'],
  ] as const)
    add('2025-03-15', 'T1', 'DE', channel, segment);
  // N1: new in February, twice in one cell; O1: returning (signed up before the window), same cell every month.
  add('2025-02-20', 'N1', 'US', 'online');
  add('2025-02-21', 'N1', 'US', 'online');
  add('2025-01-20', 'O1', 'US', 'online', 'consumer', old);
  add('2025-02-20', 'O1', 'US', 'online', 'consumer', old);
  add('2025-03-20', 'O1', 'UK', 'online', 'consumer', old);
  return orders;
}

const spec = CSV_EXPORTS.find((s) => s.file === 'monthly_sales_by_filter.csv') as CsvExportSpec;

/** monthly_sales_by_filter.csv's rows read from the mart by the export's own query, as the CSV writes them. */
export async function filterMartRows(engine: QueryEngine): Promise<string[]> {
  return (await engine.query(exportQuery(spec))).map((r) =>
    spec.columns.map((c) => csvField(r[c], c)).join(','),
  );
}

/** The rows the metrics oracle computes for the fixture, in the same form. */
export const oracleFilterRows = (): string[] =>
  monthlySalesByFilterRows(filterFixtureOrders().map(toOracleOrder)).map((r) => r.join(','));
