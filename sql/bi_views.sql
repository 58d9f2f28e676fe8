-- Revenue views for BI (completed orders only; README.md, "Metric definitions").
--
-- Exact ratios on both engines. DuckDB divides DECIMALs in DOUBLE while Trino divides them as
-- DECIMALs, so a plain division can round a tie (5.025) differently on each engine. Every
-- ratio here is therefore ROUND(exact value, scale), half away from zero, computed as:
--   est   = CAST(CAST(n AS DOUBLE) / d AS DECIMAL(18, s))  -- a first guess, at most one unit off
--   value = est + unit  when (est + unit/2) * d <= n      -- too small
--           est - unit  when (est - unit/2) * d >  n      -- too large
--           est         otherwise
-- for n >= 0 and d > 0; DECIMAL multiplication and comparison are exact on both engines.
-- A zero denominator gives NULL.

-- One row per observed month: revenue (sum of order_total_usd), orders, average order value,
-- units sold and active customers, all over completed orders.
CREATE OR REPLACE VIEW v_monthly_revenue AS
WITH completed AS (
  SELECT
    month,
    CAST(SUM(order_total_usd) AS DECIMAL(18, 2)) AS revenue_usd,
    COUNT(*) AS orders,
    CAST(SUM(units) AS BIGINT) AS units,
    COUNT(DISTINCT customer_id) AS active_customers
  FROM v_fact_orders_base
  WHERE status = 'completed'
  GROUP BY month
),
monthly AS (
  SELECT
    m.month,
    COALESCE(c.revenue_usd, CAST(0 AS DECIMAL(18, 2))) AS revenue_usd,
    COALESCE(c.orders, 0) AS orders,
    COALESCE(c.units, 0) AS units,
    COALESCE(c.active_customers, 0) AS active_customers,
    CAST(CAST(c.revenue_usd AS DOUBLE) / NULLIF(c.orders, 0) AS DECIMAL(18, 2)) AS aov_est
  FROM v_observed_months AS m
  LEFT JOIN completed AS c ON c.month = m.month
)
SELECT
  month,
  revenue_usd,
  orders,
  CAST(
    CASE
      WHEN (aov_est + 0.005) * orders <= revenue_usd THEN aov_est + 0.01
      WHEN (aov_est - 0.005) * orders > revenue_usd THEN aov_est - 0.01
      ELSE aov_est
    END AS DECIMAL(18, 2)
  ) AS aov_usd,
  units,
  active_customers
FROM monthly;

-- One row per observed month: revenue, the previous calendar month's revenue (NULL for the
-- first month, or when that month was not observed), month-over-month growth
-- (revenue - prev) / prev, and cumulative revenue (running sum over the months).
CREATE OR REPLACE VIEW v_revenue_mom AS
WITH ordered AS (
  SELECT
    month,
    revenue_usd,
    LAG(month) OVER (ORDER BY month) AS prev_month,
    LAG(revenue_usd) OVER (ORDER BY month) AS prev_revenue,
    SUM(revenue_usd) OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
  FROM v_monthly_revenue
),
with_prev AS (
  SELECT
    month,
    revenue_usd,
    CASE WHEN prev_month = CAST(month - INTERVAL '1' MONTH AS DATE) THEN prev_revenue END AS prev_revenue_usd,
    cumulative
  FROM ordered
),
growth AS (
  SELECT
    month,
    revenue_usd,
    prev_revenue_usd,
    cumulative,
    revenue_usd - prev_revenue_usd AS revenue_change,
    abs(revenue_usd - prev_revenue_usd) AS abs_change,
    /* wide, so that DuckDB multiplies it by a DECIMAL(18, 7) in 128 bits */
    CAST(prev_revenue_usd AS DECIMAL(38, 2)) AS prev_wide,
    CAST(
      CAST(abs(revenue_usd - prev_revenue_usd) AS DOUBLE) / CAST(NULLIF(prev_revenue_usd, 0) AS DOUBLE)
      AS DECIMAL(18, 6)
    ) AS abs_growth_est
  FROM with_prev
),
abs_growth AS (
  SELECT
    month,
    revenue_usd,
    prev_revenue_usd,
    cumulative,
    revenue_change,
    CASE
      WHEN (abs_growth_est + 0.0000005) * prev_wide <= abs_change THEN abs_growth_est + 0.000001
      WHEN (abs_growth_est - 0.0000005) * prev_wide > abs_change THEN abs_growth_est - 0.000001
      ELSE abs_growth_est
    END AS abs_growth
  FROM growth
)
SELECT
  month,
  revenue_usd,
  prev_revenue_usd,
  CAST(CASE WHEN revenue_change < 0 THEN -abs_growth ELSE abs_growth END AS DECIMAL(18, 6)) AS mom_growth,
  CAST(cumulative AS DECIMAL(18, 2)) AS cumulative_revenue_usd
FROM abs_growth;

-- One row per month and category with sales: revenue (sum of line_total_usd), units and
-- orders, over the lines of completed orders.
CREATE OR REPLACE VIEW v_category_sales_monthly AS
SELECT
  month,
  category,
  CAST(SUM(line_total_usd) AS DECIMAL(18, 2)) AS revenue_usd,
  CAST(SUM(quantity) AS BIGINT) AS units,
  COUNT(DISTINCT order_id) AS orders
FROM v_fact_order_items_base
WHERE status = 'completed'
GROUP BY month, category;
