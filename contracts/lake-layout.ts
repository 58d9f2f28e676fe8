/**
 * The lake layout as keys relative to the lake root (== S3 object keys). Every module that names
 * a lake path uses these, so the local folder and the bucket never drift: the ETL writes this
 * layout, the stack's buckets and catalog point at it, and `ops` reads it.
 */
export const LAKE = {
  rawPrefix: 'raw/store_sales/',
  processedPrefix: 'processed/store_sales/',
  quarantinePrefix: 'quarantine/store_sales/',
  factOrders: 'processed/store_sales/fact_orders/',
  factOrderItems: 'processed/store_sales/fact_order_items/',
  /** Users' FX rates (`month,currency,rate_to_usd`), extending and overriding the shipped table. */
  fxRates: 'reference/fx_rates.csv',
  referencePrefix: 'reference/',
  etlState: 'state/etl-state.json',
  /**
   * The Lambda's per-source ledger (S3 keeps no run state): `state/sources/<raw file name>.json`,
   * the newest event applied to each raw key, so an older event never overwrites a newer version.
   */
  sourceLedgerPrefix: 'state/sources/',
  /**
   * The Lambda's per-source leases, `state/leases/<raw file name>.json`: one run of a raw key at a
   * time, across invocations (lambda/core/lease.ts).
   */
  sourceLeasePrefix: 'state/leases/',
  warehouse: 'warehouse.duckdb',
  csvExports: 'analytics_outputs/',
  /** The refresh lock and the requests for one more refresh (analytics bucket; tools/aws/refresh-lock.ts). */
  refreshLockPrefix: 'locks/',
  dashboard: 'dashboard/',
  /** `ops docs`: dbt's documentation site (models, columns, lineage) as one offline page. */
  docs: 'docs/',
} as const;
