-- Base views over the catalog's fact tables `fact_orders` and `fact_order_items`
-- (local: DuckDB views over the Parquet, made by `ops crawl`; AWS: the Glue tables).
--
-- One text for Athena engine v3 (Trino) and DuckDB: only syntax and functions both engines
-- share (CAST, ||, date_diff, d - INTERVAL '1' MONTH, window functions); never
-- date_parse, format, from_iso8601_timestamp or date_add. Months are DATEs of the month's
-- first day. Metric definitions: README.md, "Metric definitions". Statements are run one at a
-- time (Athena takes one per request); comments inside a statement use /* */, which survive a
-- view text stored on one line.

-- One row per valid order, every status, with its reporting month: the UTC month of the order,
-- read from the Hive partition values (by contract the order's UTC month). That costs nothing on
-- DuckDB (one value per file) and lets Athena prune partitions.
CREATE OR REPLACE VIEW v_fact_orders_base AS
SELECT
  order_id,
  order_timestamp,
  order_date,
  CAST(order_year || '-' || order_month || '-01' AS DATE) AS month,
  status,
  sales_channel,
  currency,
  customer_id,
  customer_country,
  customer_segment,
  customer_signup_date,
  item_count,
  units,
  subtotal,
  discount_total,
  shipping_fee,
  tax,
  order_total,
  fx_rate_to_usd,
  order_total_usd,
  payment_method,
  payment_count,
  source_file,
  order_year,
  order_month
FROM fact_orders;

-- One row per order line of a valid order, every status, with its reporting month.
CREATE OR REPLACE VIEW v_fact_order_items_base AS
SELECT
  order_id,
  line_number,
  order_date,
  CAST(order_year || '-' || order_month || '-01' AS DATE) AS month,
  status,
  customer_id,
  customer_country,
  product_id,
  product_name,
  category,
  quantity,
  unit_price,
  discount,
  line_total,
  line_total_usd,
  order_year,
  order_month
FROM fact_order_items;

-- One row per month that holds at least one valid order (any status): the observed months.
-- Month-level views report these months only; "next month" metrics (churn, retention) exist
-- only where the next month has been observed.
CREATE OR REPLACE VIEW v_observed_months AS
SELECT DISTINCT month
FROM v_fact_orders_base;

-- One row per customer per month in which the customer placed a completed order (an active
-- customer-month). next_active_month = the customer's next active month (LEAD), NULL if none yet.
-- cohort_month (honest cohorts, README "Metric definitions"): the month of the customer's first
-- completed order, but only for customers who signed up inside the data window (customer
-- signup_date on or after the first observed month). A customer who signed up earlier may have
-- ordered before the window opened, so they are never "new" and belong to no cohort: NULL.
CREATE OR REPLACE VIEW v_customer_months AS
WITH active AS (
  SELECT
    customer_id,
    month,
    FIRST_VALUE(month) OVER (PARTITION BY customer_id ORDER BY month) AS first_order_month,
    LEAD(month) OVER (PARTITION BY customer_id ORDER BY month) AS next_active_month
  FROM v_fact_orders_base
  WHERE status = 'completed'
  GROUP BY customer_id, month
),
signups AS (
  /* over every valid order of the customer, whatever its status */
  SELECT customer_id, MIN(customer_signup_date) AS signup_date
  FROM v_fact_orders_base
  GROUP BY customer_id
),
window_start AS (
  SELECT MIN(month) AS first_month FROM v_observed_months
)
SELECT
  a.customer_id,
  a.month,
  CASE WHEN s.signup_date >= w.first_month THEN a.first_order_month END AS cohort_month,
  a.next_active_month
FROM active AS a
INNER JOIN signups AS s ON s.customer_id = a.customer_id
CROSS JOIN window_start AS w;
