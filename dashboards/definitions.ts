/**
 * Metric definitions printed on the dashboard, worded after the README ("Metric definitions") and
 * the export contract (contracts/csv-exports.ts), so a reader of the PDF knows exactly what each
 * number counts. Money is USD at the ETL's monthly rates.
 */
export const DEFINITIONS = {
  revenue: ['Revenue', 'Σ order total in USD of completed orders (cancelled and returned orders excluded).'],
  orders: ['Orders', 'Count of completed orders.'],
  aov: ['AOV', 'Average order value = revenue ÷ orders.'],
  active: ['Active customers', 'Customers with at least one completed order in the month.'],
  newReturning: [
    'New / returning',
    'New: first completed order ever in the month; returning: active and not new.',
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
    'The month of a customer’s first completed order; cohort size = its number of customers.',
  ],
  retention: [
    'Retention (k)',
    'Customers of the cohort active k months after the cohort month ÷ cohort size, k = 0..6.',
  ],
  churn: [
    'Churn',
    'Customers active in month m and not active in m+1 ÷ active in m; the last month has no figure yet.',
  ],
  repeat: [
    'Repeat rate',
    'Share of the month’s active customers whose cohort month is earlier than the month.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type DefinitionId = keyof typeof DEFINITIONS;
