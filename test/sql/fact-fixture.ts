import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { FACT_TABLES, type FactTable } from '../../contracts/fact-tables.js';
import { QUARANTINE_TABLE } from '../../contracts/quarantine-table.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { duckdbType } from '../../tools/duckdb/fact-views.js';
import { warehousePath } from '../../tools/duckdb/warehouse.js';
import { trinoType } from '../../tools/trino/trino-catalog.js';
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
  /** The customer's signup date, `YYYY-MM-DD`; default 2025-01-01 (inside the fixtures' window). */
  signup?: string;
  /** Default online / consumer. */
  channel?: string;
  segment?: string;
}

const DEFAULT_SIGNUP = '2025-01-01';

const cents = (usd: string): number => Math.round(Number(usd) * 100);
const totalCents = (o: FixtureOrder): number => o.lines.reduce((s, l) => s + cents(l.usd), 0);
const q = (s: string): string => `'${s}'`;

/** A row as SQL literals by column name; `valuesOf` orders them as the contract does. */
type Row = Record<string, string>;

/** The SQL the fixture is written in: the engines differ in column types and timestamp literals. */
export type FixtureDialect = 'duckdb' | 'trino';

const SQL_DIALECTS = {
  duckdb: { type: duckdbType, noonUtc: (date: string) => `TIMESTAMPTZ '${date} 12:00:00+00'` },
  // Trino reads the ETL's timestamps as TIMESTAMP(3), in UTC (tools/trino/trino-catalog.ts).
  trino: { type: trinoType, noonUtc: (date: string) => `TIMESTAMP '${date} 12:00:00.000'` },
} as const;

/** The contract's columns, then the partition columns, as DDL of the dialect. */
const columnsDdl = (table: FactTable, dialect: FixtureDialect): string =>
  [...FACT_TABLES[table].columns, ...FACT_TABLES[table].partitions]
    .map((c) => `${c.name} ${SQL_DIALECTS[dialect].type(c)}`)
    .join(', ');

function valuesOf(table: FactTable, row: Row): string {
  const names = [...FACT_TABLES[table].columns, ...FACT_TABLES[table].partitions].map((c) => c.name);
  const missing = names.filter((n) => !(n in row));
  if (missing.length) throw new Error(`fact-fixture: no ${table} value for ${missing.join(', ')}`);
  return `(${names.map((n) => row[n]).join(', ')})`;
}

/** The raw key every fixture order was "loaded" from. */
const FIXTURE_SOURCE = 'raw/x.json';

const common = (o: FixtureOrder, dialect: FixtureDialect): Row => ({
  order_id: q(o.id),
  order_timestamp: SQL_DIALECTS[dialect].noonUtc(o.date),
  order_date: `DATE '${o.date}'`,
  status: q(o.status),
  customer_id: q(o.customer),
  customer_country: q(o.country),
  source_file: q(FIXTURE_SOURCE),
  order_year: q(o.date.slice(0, 4)),
  order_month: q(o.date.slice(5, 7)),
});

function orderRow(o: FixtureOrder, dialect: FixtureDialect): Row {
  const usd = (totalCents(o) / 100).toFixed(2);
  const n = String(o.lines.length);
  return {
    ...common(o, dialect),
    sales_channel: q(o.channel ?? 'online'),
    currency: "'USD'",
    customer_segment: q(o.segment ?? 'consumer'),
    customer_signup_date: `DATE '${o.signup ?? DEFAULT_SIGNUP}'`,
    item_count: n,
    units: n,
    subtotal: usd,
    discount_total: '0',
    shipping_fee: '0',
    tax: '0',
    order_total: usd,
    fx_rate_to_usd: '1',
    order_total_usd: usd,
    payment_method: "'paypal'",
    payment_count: '1',
  };
}

const itemRows = (o: FixtureOrder, dialect: FixtureDialect): Row[] =>
  o.lines.map((l, i) => ({
    ...common(o, dialect),
    line_number: String(i + 1),
    product_id: "'PROD-0001'",
    product_name: "'p'",
    category: q(l.category),
    quantity: '1',
    unit_price: l.usd,
    discount: '0',
    line_total: l.usd,
    line_total_usd: l.usd,
  }));

/** Statements (DuckDB's by default) creating `fact_orders` and `fact_order_items` holding `orders`. */
export function factTablesSql(orders: FixtureOrder[], dialect: FixtureDialect = 'duckdb'): string[] {
  const items = orders.flatMap((o) => itemRows(o, dialect)).map((r) => valuesOf('fact_order_items', r));
  return [
    `CREATE TABLE fact_orders (${columnsDdl('fact_orders', dialect)})`,
    `CREATE TABLE fact_order_items (${columnsDdl('fact_order_items', dialect)})`,
    // the quarantine catalog table (both engines catalog it), empty: fixture orders are all valid
    `CREATE TABLE ${QUARANTINE_TABLE.name} (${QUARANTINE_TABLE.columns.map((c) => `${c.name} ${c.kind === 'string' ? 'VARCHAR' : 'INTEGER'}`).join(', ')})`,
    ...(orders.length
      ? [
          `INSERT INTO fact_orders VALUES ${orders.map((o) => valuesOf('fact_orders', orderRow(o, dialect))).join(',\n')}`,
        ]
      : []),
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
  signupDate: o.signup ?? DEFAULT_SIGNUP,
  date: o.date,
  sourceFile: FIXTURE_SOURCE,
  channel: o.channel ?? 'online',
  segment: o.segment ?? 'consumer',
  usdCents: BigInt(totalCents(o)),
  units: o.lines.length,
  lines: o.lines.map((l) => ({ category: l.category, quantity: 1, usdCents: BigInt(cents(l.usd)) })),
});

/**
 * The dbt marts as tables copied from their views, for export tests that need marts without
 * running dbt: test/dbt/dbt-build.test.ts proves each mart equal to its view, row for row and type
 * for type. Run after the views exist.
 */
export const martsFromViewsSql = (dialect: FixtureDialect = 'duckdb'): string[] =>
  // Trino's Hive connector has no CREATE OR REPLACE TABLE: its callers start from an empty schema.
  CSV_EXPORTS.map(
    (spec) =>
      `CREATE ${dialect === 'trino' ? '' : 'OR REPLACE '}TABLE ${spec.mart} AS SELECT * FROM ${spec.view}`,
  );

/** Adds the marts (copied from their views, see `martsFromViewsSql`) to a lake's warehouse. */
export async function addMartsFromViews(lake: string): Promise<void> {
  const engine = await openDuckDbEngine(warehousePath(lake));
  try {
    for (const sql of martsFromViewsSql()) await engine.exec(sql);
  } finally {
    await engine.close();
  }
}
