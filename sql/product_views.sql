-- Customer views for product questions (completed orders only; README.md, "Metric definitions").
-- Ratios are exact ROUND(value, 6), half away from zero, on both engines: see the note at the
-- top of bi_views.sql for the first-guess-and-correct pattern used below.

-- One row per observed month: active customers (at least one completed order in the month),
-- new customers (their cohort month is this month: first completed order, signed up inside the
-- data window) and returning ones (the rest, including customers who signed up before the window).
CREATE OR REPLACE VIEW v_monthly_active_customers AS
SELECT
  m.month,
  COUNT(c.customer_id) AS active_customers,
  COUNT(CASE WHEN c.cohort_month = c.month THEN 1 END) AS new_customers,
  COUNT(c.customer_id) - COUNT(CASE WHEN c.cohort_month = c.month THEN 1 END) AS returning_customers
FROM v_observed_months AS m
LEFT JOIN v_customer_months AS c ON c.month = m.month
GROUP BY m.month;

-- One row per cohort (month of the customers' first completed order, customers who signed up
-- inside the data window only: v_customer_months) and months_since_cohort
-- k = 0..6, for the months cohort + k that have been observed: cohort size, how many of the
-- cohort were active in cohort + k, and retention_rate = active / cohort size.
CREATE OR REPLACE VIEW v_cohort_retention AS
WITH active AS (
  SELECT
    cohort_month,
    month,
    COUNT(*) AS active_customers
  FROM v_customer_months
  WHERE cohort_month IS NOT NULL
  GROUP BY cohort_month, month
),
cohorts AS (
  /* every customer is active in their cohort month: the cohort's size */
  SELECT
    cohort_month,
    active_customers AS cohort_size
  FROM active
  WHERE month = cohort_month
),
grid AS (
  SELECT
    c.cohort_month,
    m.month,
    date_diff('month', c.cohort_month, m.month) AS months_since_cohort,
    c.cohort_size
  FROM cohorts AS c
  INNER JOIN v_observed_months AS m
    ON m.month >= c.cohort_month AND m.month <= CAST(c.cohort_month + INTERVAL '6' MONTH AS DATE)
),
estimated AS (
  SELECT
    g.cohort_month,
    g.months_since_cohort,
    g.cohort_size,
    COALESCE(a.active_customers, 0) AS active_customers,
    CAST(CAST(COALESCE(a.active_customers, 0) AS DOUBLE) / g.cohort_size AS DECIMAL(18, 6)) AS rate_est
  FROM grid AS g
  LEFT JOIN active AS a ON a.cohort_month = g.cohort_month AND a.month = g.month
)
SELECT
  cohort_month,
  months_since_cohort,
  cohort_size,
  active_customers,
  CAST(
    CASE
      WHEN (rate_est + 0.0000005) * cohort_size <= active_customers THEN rate_est + 0.000001
      WHEN (rate_est - 0.0000005) * cohort_size > active_customers THEN rate_est - 0.000001
      ELSE rate_est
    END AS DECIMAL(18, 6)
  ) AS retention_rate
FROM estimated;

-- One row per observed month: active customers, churned customers (active in the month and
-- not active in the next month) and churn_rate = churned / active. Both churn figures are
-- NULL where the next month has not been observed (the last month): unknown, not 100 %.
-- A customer churns in m when their next active month (LEAD, in v_customer_months) is not m + 1.
CREATE OR REPLACE VIEW v_monthly_churn AS
WITH monthly AS (
  SELECT
    month,
    COUNT(*) AS active_customers,
    COUNT(
      CASE
        WHEN next_active_month IS NULL OR next_active_month > CAST(month + INTERVAL '1' MONTH AS DATE) THEN 1
      END
    ) AS churned
  FROM v_customer_months
  GROUP BY month
),
estimated AS (
  SELECT
    m.month,
    COALESCE(a.active_customers, 0) AS active_customers,
    CASE WHEN n.month IS NOT NULL THEN COALESCE(a.churned, 0) END AS churned_customers,
    CAST(
      CAST(CASE WHEN n.month IS NOT NULL THEN a.churned END AS DOUBLE) / NULLIF(a.active_customers, 0)
      AS DECIMAL(18, 6)
    ) AS rate_est
  FROM v_observed_months AS m
  LEFT JOIN monthly AS a ON a.month = m.month
  LEFT JOIN v_observed_months AS n ON n.month = CAST(m.month + INTERVAL '1' MONTH AS DATE)
)
SELECT
  month,
  active_customers,
  churned_customers,
  CAST(
    CASE
      WHEN (rate_est + 0.0000005) * active_customers <= churned_customers THEN rate_est + 0.000001
      WHEN (rate_est - 0.0000005) * active_customers > churned_customers THEN rate_est - 0.000001
      ELSE rate_est
    END AS DECIMAL(18, 6)
  ) AS churn_rate
FROM estimated;

-- One row per month and customer country with completed orders: are engagement patterns
-- consistent across geographies? Active customers, orders, revenue, average order value and
-- repeat_rate = share of the month's active customers who are not new (their cohort month is
-- earlier, or they signed up before the data window and have no cohort: v_customer_months).
-- A customer counts in the country their orders carry (customer_country of the order).
CREATE OR REPLACE VIEW v_geo_engagement AS
WITH customer_country_months AS (
  SELECT
    o.month,
    o.customer_country AS country,
    o.customer_id,
    COUNT(*) AS orders,
    SUM(o.order_total_usd) AS revenue_usd,
    MIN(c.cohort_month) AS cohort_month
  FROM v_fact_orders_base AS o
  INNER JOIN v_customer_months AS c ON c.customer_id = o.customer_id AND c.month = o.month
  WHERE o.status = 'completed'
  GROUP BY o.month, o.customer_country, o.customer_id
),
monthly AS (
  SELECT
    month,
    country,
    COUNT(*) AS active_customers,
    CAST(SUM(orders) AS BIGINT) AS orders,
    CAST(SUM(revenue_usd) AS DECIMAL(18, 2)) AS revenue_usd,
    COUNT(CASE WHEN cohort_month IS NULL OR cohort_month < month THEN 1 END) AS repeat_customers
  FROM customer_country_months
  GROUP BY month, country
),
estimated AS (
  SELECT
    month,
    country,
    active_customers,
    orders,
    revenue_usd,
    repeat_customers,
    CAST(CAST(revenue_usd AS DOUBLE) / orders AS DECIMAL(18, 2)) AS aov_est,
    CAST(CAST(repeat_customers AS DOUBLE) / active_customers AS DECIMAL(18, 6)) AS repeat_est
  FROM monthly
)
SELECT
  month,
  country,
  active_customers,
  orders,
  revenue_usd,
  CAST(
    CASE
      WHEN (aov_est + 0.005) * orders <= revenue_usd THEN aov_est + 0.01
      WHEN (aov_est - 0.005) * orders > revenue_usd THEN aov_est - 0.01
      ELSE aov_est
    END AS DECIMAL(18, 2)
  ) AS aov_usd,
  CAST(
    CASE
      WHEN (repeat_est + 0.0000005) * active_customers <= repeat_customers THEN repeat_est + 0.000001
      WHEN (repeat_est - 0.0000005) * active_customers > repeat_customers THEN repeat_est - 0.000001
      ELSE repeat_est
    END AS DECIMAL(18, 6)
  ) AS repeat_rate
FROM estimated;

-- The dashboard's filters: one row per month and filter cell with completed orders. A cell is a
-- customer country, a sales channel and a customer segment, each either a value or 'all' (every
-- combination, CUBE), so a filter on any subset reads one row and never adds distinct counts up
-- across cells. Per cell: revenue, orders, active customers (distinct, within the cell), new
-- customers (active in the cell and in their cohort month: v_customer_months) and churned
-- customers (active in the cell in the month and not in the same cell in the next one; NULL
-- where the next month has not been observed, as in v_monthly_churn).
CREATE OR REPLACE VIEW v_monthly_sales_by_filter AS
WITH customer_cells AS (
  SELECT
    month,
    COALESCE(customer_country, 'all') AS country,
    COALESCE(sales_channel, 'all') AS sales_channel,
    COALESCE(customer_segment, 'all') AS customer_segment,
    customer_id,
    COUNT(*) AS orders,
    SUM(order_total_usd) AS revenue_usd
  FROM v_fact_orders_base
  WHERE status = 'completed'
  GROUP BY month, customer_id, CUBE (customer_country, sales_channel, customer_segment)
),
with_next AS (
  SELECT
    month,
    country,
    sales_channel,
    customer_segment,
    customer_id,
    orders,
    revenue_usd,
    LEAD(month) OVER (
      PARTITION BY customer_id, country, sales_channel, customer_segment ORDER BY month
    ) AS next_active_month
  FROM customer_cells
),
monthly AS (
  SELECT
    w.month,
    w.country,
    w.sales_channel,
    w.customer_segment,
    CAST(SUM(w.revenue_usd) AS DECIMAL(18, 2)) AS revenue_usd,
    CAST(SUM(w.orders) AS BIGINT) AS orders,
    COUNT(*) AS active_customers,
    COUNT(CASE WHEN c.cohort_month = w.month THEN 1 END) AS new_customers,
    COUNT(
      CASE
        WHEN w.next_active_month IS NULL OR w.next_active_month > CAST(w.month + INTERVAL '1' MONTH AS DATE) THEN 1
      END
    ) AS churned
  FROM with_next AS w
  INNER JOIN v_customer_months AS c ON c.customer_id = w.customer_id AND c.month = w.month
  GROUP BY w.month, w.country, w.sales_channel, w.customer_segment
)
SELECT
  m.month,
  m.country,
  m.sales_channel,
  m.customer_segment,
  m.revenue_usd,
  m.orders,
  m.active_customers,
  m.new_customers,
  CASE WHEN n.month IS NOT NULL THEN m.churned END AS churned_customers
FROM monthly AS m
LEFT JOIN v_observed_months AS n ON n.month = CAST(m.month + INTERVAL '1' MONTH AS DATE);
