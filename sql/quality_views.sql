-- Data quality per raw source file (docs/dashboard.md, "Data quality"): records read, loaded and
-- quarantined, and the quarantined records by reason. Reads the quarantine table as well as the
-- facts, so it runs only where the quarantine files are catalogued as quarantine_records (locally
-- a DuckDB view over quarantine/store_sales/*.jsonl, on AWS the stack's Glue table).
--
-- Per source file, one row with reason = 'all': records_read = loaded + quarantined (every record
-- the ETL reads ends in exactly one of the two; a whole-file rejection counts as one record),
-- records_loaded = its rows in fact_orders (all statuses), latest_order_date = its newest order.
-- Then one row per quarantine reason with only records_quarantined. month = the month in the file
-- name (orders_YYYY_MM.json -> YYYY-MM-01), empty for a file not named that way.
CREATE OR REPLACE VIEW v_data_quality AS
WITH loaded AS (
  SELECT
    source_file,
    COUNT(*) AS records_loaded,
    MAX(order_date) AS latest_order_date
  FROM fact_orders
  GROUP BY source_file
),
quarantined_by_reason AS (
  SELECT source_key AS source_file, reason, COUNT(*) AS records_quarantined
  FROM quarantine_records
  GROUP BY source_key, reason
),
quarantined AS (
  SELECT source_file, SUM(records_quarantined) AS records_quarantined
  FROM quarantined_by_reason
  GROUP BY source_file
),
files AS (
  SELECT source_file FROM loaded
  UNION
  SELECT source_file FROM quarantined
),
per_file AS (
  SELECT
    f.source_file,
    'all' AS reason,
    CAST(COALESCE(l.records_loaded, 0) + COALESCE(q.records_quarantined, 0) AS BIGINT) AS records_read,
    CAST(COALESCE(l.records_loaded, 0) AS BIGINT) AS records_loaded,
    CAST(COALESCE(q.records_quarantined, 0) AS BIGINT) AS records_quarantined,
    l.latest_order_date
  FROM files AS f
  LEFT JOIN loaded AS l ON l.source_file = f.source_file
  LEFT JOIN quarantined AS q ON q.source_file = f.source_file
),
per_reason AS (
  SELECT
    source_file,
    reason,
    CAST(NULL AS BIGINT) AS records_read,
    CAST(NULL AS BIGINT) AS records_loaded,
    CAST(records_quarantined AS BIGINT) AS records_quarantined,
    CAST(NULL AS DATE) AS latest_order_date
  FROM quarantined_by_reason
),
named AS (
  SELECT
    *,
    NULLIF(regexp_extract(source_file, '([0-9]{4})_(0[1-9]|1[0-2])\.[A-Za-z]+$', 1), '') AS file_year,
    NULLIF(regexp_extract(source_file, '([0-9]{4})_(0[1-9]|1[0-2])\.[A-Za-z]+$', 2), '') AS file_month
  FROM (SELECT * FROM per_file UNION ALL SELECT * FROM per_reason) AS r
)
SELECT
  CAST(file_year || '-' || file_month || '-01' AS DATE) AS month,
  source_file,
  reason,
  records_read,
  records_loaded,
  records_quarantined,
  latest_order_date
FROM named;
