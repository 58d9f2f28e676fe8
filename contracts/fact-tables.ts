import {
  column,
  decimal,
  type FactColumn,
  FILTERED,
  MONEY,
  RATE,
  UNIQUE,
  UNIQUE_FILTERED,
} from './fact-column.js';
import { LAKE } from './lake-layout.js';

/**
 * The fact table contract (docs/contracts.md, "Fact tables"): the one place that says which
 * columns `fact_orders` and `fact_order_items` have, in which order, of which kind. The ETL's Arrow
 * schema (lambda/core/fact-schema.ts), the Glue tables (stacks/fact-tables.ts), the local DuckDB
 * views (tools/duckdb) and dbt's sources.yml derive from it or are tested against it.
 * Partition columns are not stored in the files: they are the Hive folders
 * `order_year=YYYY/order_month=MM`, zero-padded strings.
 */

// Columns both tables carry, declared once so they cannot differ between the tables.
const ORDER_ID = column(
  'order_id',
  'string',
  "Order id from the raw order (the store's own, 1-64 characters).",
  UNIQUE_FILTERED,
);
const ORDER_TIMESTAMP = column(
  'order_timestamp',
  'timestamp',
  'When the order was placed, UTC.',
  UNIQUE_FILTERED,
);
const ORDER_DATE = column('order_date', 'date', 'UTC date of order_timestamp.', FILTERED);
const STATUS = column('status', 'string', 'Order status: completed, cancelled or returned.', FILTERED);
const CUSTOMER_ID = column(
  'customer_id',
  'string',
  "Customer id (the store's own, 1-64 characters).",
  UNIQUE_FILTERED,
);
const CUSTOMER_COUNTRY = column(
  'customer_country',
  'string',
  "Customer's country code, ISO 3166-1 alpha-2.",
  FILTERED,
);
const SOURCE_FILE = column('source_file', 'string', 'Raw object key the row was loaded from.');

/** The Hive partition columns of both tables, in path order: the order's UTC year and month. */
export const PARTITION_COLUMNS = [
  column('order_year', 'string', 'UTC year of the order, four digits (folder order_year=YYYY).'),
  column('order_month', 'string', 'UTC month of the order, two digits 01..12 (folder order_month=MM).'),
] as const;

/** One fact table: where its Parquet lives, what one row is, its stored columns in file order. */
export interface FactTableSpec {
  readonly prefix: string;
  readonly grain: string;
  readonly columns: readonly FactColumn[];
  readonly partitions: readonly FactColumn[];
}

/** The fact tables, in the order the ETL writes them. */
export const FACT_TABLES = {
  fact_orders: {
    prefix: LAKE.factOrders,
    grain: 'one row per valid order',
    columns: [
      // The grain: each id once, in time order, so the `ORD-YYYYMMDD-` prefix repeats row after
      // row. DELTA_BYTE_ARRAY makes the column 19 % smaller on the default data and 7 % at 1M
      // orders a month (docs/scale.md); on fact_order_items, where the id repeats on each line of
      // an order, it is 13 % larger, hence the hint on this table only.
      { ...ORDER_ID, prefixDelta: true },
      ORDER_TIMESTAMP,
      ORDER_DATE,
      STATUS,
      column('sales_channel', 'string', 'Sales channel: online, mobile_app or store.', FILTERED),
      column('currency', 'string', 'Currency of the money columns: USD, GBP, EUR, CAD or INR.'),
      CUSTOMER_ID,
      CUSTOMER_COUNTRY,
      column('customer_segment', 'string', 'Customer segment: consumer, small_business or corporate.'),
      column('customer_signup_date', 'date', 'Day the customer signed up.'),
      column('item_count', 'int32', 'Number of lines (items) of the order.'),
      column('units', 'int32', 'Sum of the quantities of the lines.'),
      // subtotal, discount_total, line_total and line_total_usd repeat (catalogue prices x small
      // quantities): dictionary-encoded they are 10-31 % smaller at 1M orders a month (`npm run
      // bench parquet`, docs/scale.md); tax and the totals are near-unique.
      decimal('subtotal', MONEY, 'Sum of quantity x unit_price over the lines, order currency.'),
      decimal('discount_total', MONEY, 'Sum of the line discounts, order currency.'),
      decimal('shipping_fee', MONEY, 'Shipping fee, order currency.'),
      decimal('tax', MONEY, 'Tax, order currency.', UNIQUE),
      decimal(
        'order_total',
        MONEY,
        'subtotal - discount_total + shipping_fee + tax, order currency.',
        UNIQUE,
      ),
      decimal('fx_rate_to_usd', RATE, "USD per unit of the currency in the order's month (1 for USD)."),
      decimal('order_total_usd', MONEY, 'order_total x fx_rate_to_usd, rounded half up to the cent.', UNIQUE),
      column('payment_method', 'string', 'Method of the largest payment (the first one on ties).'),
      column('payment_count', 'int32', 'Number of payments of the order.'),
      SOURCE_FILE,
    ],
    partitions: PARTITION_COLUMNS,
  },
  fact_order_items: {
    prefix: LAKE.factOrderItems,
    grain: 'one row per item of a valid order',
    columns: [
      ORDER_ID,
      column('line_number', 'int32', 'Line number of the item within its order, from 1.'),
      ORDER_TIMESTAMP,
      ORDER_DATE,
      CUSTOMER_ID,
      CUSTOMER_COUNTRY,
      STATUS,
      column('product_id', 'string', "Product id (the store's own, 1-64 characters).", FILTERED),
      column('product_name', 'string', 'Product name as ordered.'),
      column(
        'category',
        'string',
        'Product category key: the raw category in snake_case (Garden & Patio -> garden_patio).',
        FILTERED,
      ),
      column('quantity', 'int32', 'Units of the product on this line.'),
      decimal('unit_price', MONEY, 'Price of one unit, order currency.'),
      decimal('discount', MONEY, 'Discount on the whole line, order currency.'),
      decimal('line_total', MONEY, 'quantity x unit_price - discount, order currency.'),
      decimal('line_total_usd', MONEY, "line_total at the order month's rate, rounded half up."),
      SOURCE_FILE,
    ],
    partitions: PARTITION_COLUMNS,
  },
} as const satisfies Record<string, FactTableSpec>;

/** A fact table's name. */
export type FactTable = keyof typeof FACT_TABLES;

/** The table names, in the order the ETL writes them. */
export const FACT_TABLE_NAMES = Object.keys(FACT_TABLES) as FactTable[];

/** The stored columns of `table`, as the contract's literal types (names and kinds). */
export type FactColumnsOf<T extends FactTable> = (typeof FACT_TABLES)[T]['columns'][number];

/** A stored column name of `table`. */
export type FactColumnName<T extends FactTable> = FactColumnsOf<T>['name'];

/** The stored column names of `table`, in file order. */
export const factColumnNames = (table: FactTable): string[] => FACT_TABLES[table].columns.map((c) => c.name);
