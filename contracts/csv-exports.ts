/**
 * The analytics exports: file name, the dbt mart it is read from, the ad-hoc view proven equal
 * to that mart, and its columns in order. BI reads only the curated marts (`dbt build` made and
 * tested them); the `v_*` views stay as the ad-hoc query layer. This is the contract between the
 * SQL views, the dbt marts, `export-outputs` (local and AWS) and the dashboard. Conventions for every file:
 * - RFC 4180 CSV, header row, `\n` line ends, UTF-8, rows in the `orderBy` order;
 * - months as ISO dates of the month's first day (`2025-01-01`);
 * - money in USD with two decimals, plain (`25502110.35`, never `25,502,110` or `25.5M`);
 * - rates as fractions (0.2345 = 23.45 %) with up to six decimals;
 * - an undefined value (MoM of the first month, churn of the last month, the AOV of a month
 *   without completed orders) is an empty field, only in the columns a file lists as `nullable`;
 * - ratios are ROUND(exact value, 6) and averages ROUND(exact value, 2), half away from zero.
 */
export interface CsvExportSpec {
  file: string;
  /** The dbt mart (dbt/models/marts) `export-outputs` selects from. */
  mart: string;
  /** The ad-hoc view (sql/) with the same rows and types as `mart`, for Athena users and parity tests. */
  view: string;
  columns: readonly string[];
  /** The columns whose field may be empty (an undefined value); every other field is never empty. */
  nullable: readonly string[];
  orderBy: readonly string[];
}

export const CSV_EXPORTS = [
  {
    file: 'monthly_revenue.csv',
    mart: 'mart_monthly_revenue',
    view: 'v_monthly_revenue',
    // revenue/orders/aov of completed orders; units sold on them; active customers of the month.
    // One row per observed month (any valid order); aov_usd is empty if it had no completed order
    columns: ['month', 'revenue_usd', 'orders', 'aov_usd', 'units', 'active_customers'],
    nullable: ['aov_usd'],
    orderBy: ['month'],
  },
  {
    file: 'revenue_mom.csv',
    mart: 'mart_revenue_mom',
    view: 'v_revenue_mom',
    columns: ['month', 'revenue_usd', 'prev_revenue_usd', 'mom_growth', 'cumulative_revenue_usd'],
    nullable: ['prev_revenue_usd', 'mom_growth'],
    orderBy: ['month'],
  },
  {
    file: 'category_sales_monthly.csv',
    mart: 'mart_category_sales_monthly',
    view: 'v_category_sales_monthly',
    columns: ['month', 'category', 'revenue_usd', 'units', 'orders'],
    nullable: [],
    orderBy: ['month', 'category'],
  },
  {
    file: 'monthly_active_customers.csv',
    mart: 'mart_monthly_active_customers',
    view: 'v_monthly_active_customers',
    // new = active customers whose cohort is this month (their first completed order, for those who
    // signed up inside the data window: docs/metrics.md); returning = active and not new
    columns: ['month', 'active_customers', 'new_customers', 'returning_customers'],
    nullable: [],
    orderBy: ['month'],
  },
  {
    file: 'cohort_retention_first_6_months.csv',
    mart: 'mart_cohort_retention',
    view: 'v_cohort_retention',
    // months_since_cohort 0..6; rows only for months that have been observed
    columns: ['cohort_month', 'months_since_cohort', 'cohort_size', 'active_customers', 'retention_rate'],
    nullable: [],
    orderBy: ['cohort_month', 'months_since_cohort'],
  },
  {
    file: 'monthly_churn.csv',
    mart: 'mart_monthly_churn',
    view: 'v_monthly_churn',
    // churned = active in month and not active in month+1; churned_customers and churn_rate are
    // empty where month+1 has not been observed (the last month): unknown, not 100 %
    columns: ['month', 'active_customers', 'churned_customers', 'churn_rate'],
    nullable: ['churned_customers', 'churn_rate'],
    orderBy: ['month'],
  },
  {
    file: 'geo_engagement.csv',
    mart: 'mart_geo_engagement',
    view: 'v_geo_engagement',
    // repeat_rate = share of the month's active customers who are not new (an earlier cohort, or
    // signed up before the data window)
    columns: ['month', 'country', 'active_customers', 'orders', 'revenue_usd', 'aov_usd', 'repeat_rate'],
    nullable: [],
    orderBy: ['month', 'country'],
  },
  {
    file: 'monthly_sales_by_filter.csv',
    mart: 'mart_monthly_sales_by_filter',
    view: 'v_monthly_sales_by_filter',
    // the dashboard's filters: one row per month and cell (country x channel x segment, each a
    // value or 'all') with completed orders, so distinct counts are exact for any filter and
    // never added up across cells; churned_customers is empty where month+1 was not observed
    columns: [
      'month',
      'country',
      'sales_channel',
      'customer_segment',
      'revenue_usd',
      'orders',
      'active_customers',
      'new_customers',
      'churned_customers',
    ],
    nullable: ['churned_customers'],
    orderBy: ['month', 'country', 'sales_channel', 'customer_segment'],
  },
  {
    file: 'data_quality.csv',
    mart: 'mart_data_quality',
    view: 'v_data_quality',
    // per raw source file: reason 'all' = records read (loaded + quarantined), loaded (rows in
    // fact_orders) and quarantined, and the newest order date; then one row per quarantine reason
    // with only records_quarantined. month = the file name's YYYY_MM, empty if it has none.
    // records_read/records_quarantined are empty (unknown) where the quarantine files are not
    // catalogued (docs/dashboard.md, "Data quality")
    columns: [
      'month',
      'source_file',
      'reason',
      'records_read',
      'records_loaded',
      'records_quarantined',
      'latest_order_date',
    ],
    // month and latest_order_date are text that may be empty (above); these counts may be too
    nullable: ['records_read', 'records_loaded', 'records_quarantined'],
    orderBy: ['month', 'source_file', 'reason'],
  },
] as const satisfies readonly CsvExportSpec[];

export type CsvExportFile = (typeof CSV_EXPORTS)[number]['file'];

/**
 * Beside the CSVs, `export-outputs` writes `run_metadata.json` (docs/dashboard.md, "Data quality"):
 * when the results were refreshed, when the ETL last ran, and dbt's last build results, so the
 * dashboard's freshness and test summary come from the export, the same locally and on AWS.
 */
export const RUN_METADATA_FILE = 'run_metadata.json';

/** Counts of one kind of dbt node by status in the last `dbt build`. */
export interface DbtStatusCounts {
  passed: number;
  warned: number;
  failed: number;
  skipped: number;
}

export interface RunMetadata {
  /** When export-outputs wrote these files (ISO 8601, UTC). */
  refreshed_at: string;
  /** When the ETL last processed a raw file (ISO 8601), null where the target keeps no ETL state. */
  last_etl_run: string | null;
  /** dbt's last build (its target/run_results.json), null when none was found. */
  dbt: {
    generated_at: string;
    /** When it started (generated_at less dbt's elapsed_time); absent in exports made before. */
    started_at?: string;
    models: DbtStatusCounts;
    data_tests: DbtStatusCounts;
    unit_tests: DbtStatusCounts;
    /** Names of the nodes that failed or warned, with their status. */
    problems: { name: string; status: string }[];
  } | null;
}

/**
 * Whether the exported marts were built from facts older than the last ETL run (both known): an
 * ETL run that ended after the build started may be missing from every CSV until `ops transform`
 * builds again and the export is run again.
 */
export const martsOlderThanEtl = (meta: RunMetadata): boolean =>
  meta.dbt !== null &&
  meta.last_etl_run !== null &&
  Date.parse(meta.last_etl_run) > Date.parse(meta.dbt.started_at ?? meta.dbt.generated_at);
