/**
 * Metric definitions printed on the dashboard, worded after the README ("Metric definitions") and
 * the export contract (contracts/csv-exports.ts), so a reader of the PDF knows exactly what each
 * number counts. Money is USD at the ETL's monthly rates.
 */
export const DEFINITIONS = {
  revenue: ['Revenue', 'Σ order total in USD of completed orders (cancelled and returned orders excluded).'],
  orders: ['Orders', 'Count of completed orders.'],
  aov: ['AOV', 'Average order value = revenue ÷ orders; none for a month without completed orders.'],
  active: ['Active customers', 'Customers with at least one completed order in the month.'],
  newReturning: [
    'New / returning',
    'New: active in their cohort month (first completed order, signed up inside the data window); returning: active and not new, including every customer who signed up before the window.',
  ],
  mom: [
    'MoM growth',
    '(revenue of the month − revenue of the previous month) ÷ revenue of the previous month; none for the first month.',
  ],
  cumulative: ['Cumulative revenue', 'Running sum of monthly revenue from the first month shown.'],
  category: [
    'Category sales',
    'Per product category and month, over completed orders: revenue = Σ item line totals in USD (quantity × unit price − discount; shipping and tax belong to no category, so categories add up to less than revenue), units, and orders that contain the category.',
  ],
  cohort: [
    'Cohort',
    'The month of a customer’s first completed order, for customers whose signup date lies inside the data window; customers who signed up before it may have ordered before it, so they are never new and in no cohort. Cohort size = its number of customers.',
  ],
  retention: [
    'Retention (k)',
    'Customers of the cohort active k months after the cohort month ÷ cohort size, k = 0..6.',
  ],
  churn: [
    'Churn',
    'Customers active in month m and not active in m+1 ÷ active in m; the last month has no figure yet. Under a filter, both months count only orders that match it.',
  ],
  repeat: [
    'Repeat rate',
    'Share of the month’s active customers who are not new: their cohort month is earlier, or they signed up before the data window.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

/** The "how to read this" note of the retention page: why a high churn and a high repeat rate go together. */
export const HOW_TO_READ =
  'Churn looks only one month ahead: a customer active this month who does not order next month has churned, even if they come back the month after. Repeat rate looks back: the share of this month’s active customers who are not new. Customers who buy every few months therefore count as churned in the months they skip and as repeat when they return, so a high churn beside a high repeat rate means customers skip months, not that they leave for good. The cohort heatmap shows how many of each cohort are back k months later.';

export type DefinitionId = keyof typeof DEFINITIONS;
