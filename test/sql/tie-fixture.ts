import type { FixtureOrder } from './fact-fixture.js';

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
