import type { OracleOrder } from '../support/metrics-oracle.js';

/**
 * Hand-made fact tables of the contract's shape (USD orders, one unit per line) for tests that
 * need known answers without the generator and the ETL.
 */
export interface FixtureOrder {
  id: string;
  /** UTC order date, `YYYY-MM-DD`. */
  date: string;
  status: 'completed' | 'cancelled' | 'returned';
  customer: string;
  country: string;
  lines: { category: string; usd: string }[];
}

const cents = (usd: string): number => Math.round(Number(usd) * 100);
const totalCents = (o: FixtureOrder): number => o.lines.reduce((s, l) => s + cents(l.usd), 0);
const q = (s: string): string => `'${s}'`;
const partition = (date: string): string[] => [q(date.slice(0, 4)), q(date.slice(5, 7))];

const ORDER_COLUMNS = `order_id VARCHAR, order_timestamp TIMESTAMPTZ, order_date DATE, status VARCHAR,
  sales_channel VARCHAR, currency VARCHAR, customer_id VARCHAR, customer_country VARCHAR, customer_segment VARCHAR,
  customer_signup_date DATE, item_count INTEGER, units INTEGER, subtotal DECIMAL(18,2), discount_total DECIMAL(18,2),
  shipping_fee DECIMAL(18,2), tax DECIMAL(18,2), order_total DECIMAL(18,2), fx_rate_to_usd DECIMAL(18,6),
  order_total_usd DECIMAL(18,2), payment_method VARCHAR, payment_count INTEGER, source_file VARCHAR,
  order_year VARCHAR, order_month VARCHAR`;
const ITEM_COLUMNS = `order_id VARCHAR, line_number INTEGER, order_timestamp TIMESTAMPTZ, order_date DATE,
  customer_id VARCHAR, customer_country VARCHAR, status VARCHAR, product_id VARCHAR, product_name VARCHAR,
  category VARCHAR, quantity INTEGER, unit_price DECIMAL(18,2), discount DECIMAL(18,2), line_total DECIMAL(18,2),
  line_total_usd DECIMAL(18,2), source_file VARCHAR, order_year VARCHAR, order_month VARCHAR`;

function orderValues(o: FixtureOrder): string {
  const usd = (totalCents(o) / 100).toFixed(2);
  const when = [`TIMESTAMPTZ '${o.date} 12:00:00+00'`, `DATE '${o.date}'`];
  const customer = [q(o.customer), q(o.country), "'consumer'", "DATE '2024-01-01'"];
  const money = [usd, '0', '0', '0', usd, '1', usd];
  const n = String(o.lines.length);
  return `(${[q(o.id), ...when, q(o.status), "'online'", "'USD'", ...customer, n, n, ...money, "'paypal'", '1', "'raw/x.json'", ...partition(o.date)].join(', ')})`;
}

function itemValues(o: FixtureOrder): string[] {
  const when = [`TIMESTAMPTZ '${o.date} 12:00:00+00'`, `DATE '${o.date}'`];
  return o.lines.map((l, i) => {
    const product = ["'PROD-0001'", "'p'", q(l.category), '1', l.usd, '0', l.usd, l.usd];
    return `(${[q(o.id), String(i + 1), ...when, q(o.customer), q(o.country), q(o.status), ...product, "'raw/x.json'", ...partition(o.date)].join(', ')})`;
  });
}

/** DuckDB statements creating `fact_orders` and `fact_order_items` holding `orders`. */
export function factTablesSql(orders: FixtureOrder[]): string[] {
  const items = orders.flatMap(itemValues);
  return [
    `CREATE TABLE fact_orders (${ORDER_COLUMNS})`,
    `CREATE TABLE fact_order_items (${ITEM_COLUMNS})`,
    ...(orders.length ? [`INSERT INTO fact_orders VALUES ${orders.map(orderValues).join(',\n')}`] : []),
    ...(items.length ? [`INSERT INTO fact_order_items VALUES ${items.join(',\n')}`] : []),
  ];
}

/** The same orders as the metrics oracle sees them. */
export const toOracleOrder = (o: FixtureOrder): OracleOrder => ({
  orderId: o.id,
  month: `${o.date.slice(0, 7)}-01`,
  completed: o.status === 'completed',
  customerId: o.customer,
  country: o.country,
  usdCents: BigInt(totalCents(o)),
  units: o.lines.length,
  lines: o.lines.map((l) => ({ category: l.category, quantity: 1, usdCents: BigInt(cents(l.usd)) })),
});
