import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { csvField } from '../../tools/exports/csv.js';
import { exportQuery } from '../../tools/exports/export-outputs.js';
import { ORACLE_ROWS } from '../support/metrics-oracle.js';
import { type FixtureOrder, toOracleOrder } from './fact-fixture.js';

/**
 * Hand-made orders whose metrics are known, for the views and the dbt marts: rounding ties that a plain
 * DOUBLE division gets wrong on DuckDB (656.00 / 640 -> 1.03, 2.01 / 2 -> 1.01,
 * 41 / 640 -> 0.064063), a month with no data (March), a month with only a cancelled order
 * (May, the last month) and churn where the next month is missing.
 */
export function tieFixtureOrders(): FixtureOrder[] {
  const orders: FixtureOrder[] = [];
  const add = (
    date: string,
    customer: string,
    country: string,
    lines: FixtureOrder['lines'],
    status: FixtureOrder['status'] = 'completed',
  ) => orders.push({ id: `O${orders.length}`, date, status, customer, country, lines });
  const book = (usd: string) => [{ category: 'books', usd }];
  // January: 640 new US customers, 656.00 USD in 640 orders (AOV 1.025 -> 1.03).
  for (let c = 0; c < 640; c += 1) {
    const lines = book('1.00');
    if (c === 0) lines.push({ category: 'toys_games', usd: '16.00' });
    add(`2025-01-${String(1 + (c % 28)).padStart(2, '0')}`, `C${c}`, 'US', lines);
  }
  // February: 599 come back (41 churn: 41 / 640 = 0.0640625); a new UK customer buys twice.
  for (let c = 41; c < 640; c += 1) add('2025-02-10', `C${c}`, 'US', book('1.00'));
  add('2025-02-11', 'N1', 'UK', book('1.00'));
  add('2025-02-12', 'N1', 'UK', book('1.01'));
  // March: no data. April: the 41 who churned return. May: one cancelled order only.
  for (let c = 0; c < 41; c += 1) add('2025-04-02', `C${c}`, 'US', book('1.00'));
  add('2025-05-02', 'C1', 'US', book('9.99'), 'cancelled');
  return orders;
}

/** Each export's rows read from its dbt mart by the export's own query, fields as the CSV writes them. */
export async function martExportRows(engine: QueryEngine): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const spec of CSV_EXPORTS) {
    const result = await engine.query(exportQuery(spec));
    rows[spec.file] = result.map((r) => spec.columns.map((c) => csvField(r[c], c)).join(','));
  }
  return rows;
}

/** The rows the metrics oracle computes for one export of the tie fixture, in the same form. */
export const oracleTieRows = (file: string): string[] =>
  ORACLE_ROWS[file as keyof typeof ORACLE_ROWS](tieFixtureOrders().map(toOracleOrder)).map((r) =>
    r.join(','),
  );

/** The two rows the fixture was made for: AOV 656.00 / 640 = 1.025 and churn 41 / 640 = 0.0640625. */
export const TIE_ROWS = {
  'monthly_revenue.csv': '2025-01-01,656.00,640,1.03,641,640',
  'monthly_churn.csv': '2025-01-01,640,41,0.064063',
} as const;
