import { LAKE } from '../contracts/lake-layout.js';

/** A Glue (Hive DDL) column: name and type as Athena reads them from the Parquet files. */
export interface GlueColumn {
  name: string;
  type: string;
}

const MONEY = 'decimal(18,2)';
const RATE = 'decimal(18,6)';

/**
 * The fact contract as Glue columns, in file order. Partition columns
 * are not stored in the files: Hive partitions `order_year=YYYY/order_month=MM`, strings.
 * Used by the projection-mode tables; in crawler mode the crawler infers the same types from
 * the Parquet logical types (DECIMAL, TIMESTAMP, DATE, INT32, UTF8).
 */
export const FACT_TABLES = {
  fact_orders: {
    prefix: LAKE.factOrders,
    grain: 'one row per valid order',
    columns: [
      { name: 'order_id', type: 'string' },
      { name: 'order_timestamp', type: 'timestamp' },
      { name: 'order_date', type: 'date' },
      { name: 'status', type: 'string' },
      { name: 'sales_channel', type: 'string' },
      { name: 'currency', type: 'string' },
      { name: 'customer_id', type: 'string' },
      { name: 'customer_country', type: 'string' },
      { name: 'customer_segment', type: 'string' },
      { name: 'customer_signup_date', type: 'date' },
      { name: 'item_count', type: 'int' },
      { name: 'units', type: 'int' },
      { name: 'subtotal', type: MONEY },
      { name: 'discount_total', type: MONEY },
      { name: 'shipping_fee', type: MONEY },
      { name: 'tax', type: MONEY },
      { name: 'order_total', type: MONEY },
      { name: 'fx_rate_to_usd', type: RATE },
      { name: 'order_total_usd', type: MONEY },
      { name: 'payment_method', type: 'string' },
      { name: 'payment_count', type: 'int' },
      { name: 'source_file', type: 'string' },
    ],
  },
  fact_order_items: {
    prefix: LAKE.factOrderItems,
    grain: 'one row per item of a valid order',
    columns: [
      { name: 'order_id', type: 'string' },
      { name: 'line_number', type: 'int' },
      { name: 'order_timestamp', type: 'timestamp' },
      { name: 'order_date', type: 'date' },
      { name: 'customer_id', type: 'string' },
      { name: 'customer_country', type: 'string' },
      { name: 'status', type: 'string' },
      { name: 'product_id', type: 'string' },
      { name: 'product_name', type: 'string' },
      { name: 'category', type: 'string' },
      { name: 'quantity', type: 'int' },
      { name: 'unit_price', type: MONEY },
      { name: 'discount', type: MONEY },
      { name: 'line_total', type: MONEY },
      { name: 'line_total_usd', type: MONEY },
      { name: 'source_file', type: 'string' },
    ],
  },
} as const satisfies Record<string, { prefix: string; grain: string; columns: readonly GlueColumn[] }>;

export type FactTableName = keyof typeof FACT_TABLES;

/** Hive partition keys of both fact tables, in path order; strings, zero-padded. */
export const PARTITION_KEYS: readonly GlueColumn[] = [
  { name: 'order_year', type: 'string' },
  { name: 'order_month', type: 'string' },
];

/**
 * Athena partition projection for `order_year=YYYY/order_month=MM`: integer ranges rendered
 * with fixed digits, so the projected values are the same zero-padded strings as the folders.
 * With no `storage.location.template`, Athena appends the Hive path to the table location.
 */
export function projectionParameters(years: readonly [number, number]): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.order_year.type': 'integer',
    'projection.order_year.range': `${years[0]},${years[1]}`,
    'projection.order_year.digits': '4',
    'projection.order_month.type': 'integer',
    'projection.order_month.range': '1,12',
    'projection.order_month.digits': '2',
  };
}
