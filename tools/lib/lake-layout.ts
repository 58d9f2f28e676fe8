import path from 'node:path';

/**
 * The lake layout of DESIGN.md as keys relative to the lake root (== S3 object keys).
 * Every module that names a lake path uses these, so local folder and bucket never drift.
 */
export const LAKE = {
  rawPrefix: 'raw/store_sales/',
  processedPrefix: 'processed/store_sales/',
  quarantinePrefix: 'quarantine/store_sales/',
  factOrders: 'processed/store_sales/fact_orders/',
  factOrderItems: 'processed/store_sales/fact_order_items/',
  etlState: 'state/etl-state.json',
  warehouse: 'warehouse.duckdb',
  outputs: 'analytics_outputs/',
  dashboard: 'dashboard/',
} as const;

/** `raw/store_sales/orders_2025_01.json` for year 2025, month 1. */
export const rawMonthKey = (year: number, month: number): string =>
  `${LAKE.rawPrefix}orders_${year}_${String(month).padStart(2, '0')}.json`;

/** Absolute local path of a lake key. */
export const lakePath = (lake: string, key: string): string => path.join(lake, ...key.split('/'));
