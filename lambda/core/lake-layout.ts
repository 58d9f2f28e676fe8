/**
 * The lake layout of DESIGN.md as keys relative to the lake root (== S3 object keys).
 * Every module that names a lake path uses these, so local folder and bucket never drift.
 * It lives in the Lambda's core because the ETL writes this layout; `tools/` imports it from here.
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
