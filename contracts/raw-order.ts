import { z } from 'zod';
import { type IdPattern, idRegExp } from './id-patterns.js';
import {
  COUNTRIES,
  CURRENCIES,
  categoryKey,
  ORDER_STATUSES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  RAW_ORDER_IDS,
  RAW_ORDER_LIMITS,
  type Range,
  SALES_CHANNELS,
  SEGMENTS,
} from './raw-order-rules.js';

export { charRanges, type IdPart, type IdPattern, type IdRun, idRegExp } from './id-patterns.js';
export * from './raw-order-rules.js';

/**
 * The raw order contract (docs/contracts.md, "Raw orders"): one JSON object per line of
 * `raw/store_sales/orders_YYYY_MM.json`. The generator writes it, the ETL validates against it.
 * Structural rules live in the field schemas; cross-field money rules in `superRefine`, each
 * issue tagged with a stable `reason` so the ETL can quarantine with a reason code.
 */

/** Reason codes attached to contract violations; the ETL's quarantine records carry them. */
export type ContractReason =
  | 'schema_violation'
  | 'money_mismatch'
  | 'payment_mismatch'
  | 'duplicate_line_number';

const L = RAW_ORDER_LIMITS;
// Range first, then integral: zod's `.int()` also bounds a value to JavaScript's safe integers and
// reports that bound (2^53 - 1) instead of the contract's, e.g. for a quantity of 10^16.
const int = (r: Range) =>
  z
    .number()
    .min(r.min)
    .max(r.max)
    .refine((v) => Number.isInteger(v), { message: 'expected an integer', abort: true });
const text = (r: Range) => z.string().min(r.min).max(r.max);
const id = (pattern: IdPattern) => z.string().regex(idRegExp(pattern));

/** Money: finite, non-negative, at most two decimals (checked in integer cents). */
const money = z
  .number()
  .finite()
  .min(L.money.min)
  .max(L.money.max)
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'money must have at most two decimals');

/**
 * Whether the `YYYY-MM-DD` that `s` starts with is a day of the Gregorian calendar. `Date.parse`
 * alone is not enough: it rolls 2025-02-30 over to March 2.
 */
function onCalendar(s: string): boolean {
  const [y, m, d] = [Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return m >= 1 && m <= 12 && d >= 1 && d <= days;
}

const isoUtcTimestamp = z
  .string()
  .max(L.timestampChars.max)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'timestamp must be ISO-8601 UTC (…Z)')
  .refine(
    (s) => !Number.isNaN(Date.parse(s)) && onCalendar(s) && Number(s.slice(11, 13)) < 24,
    'timestamp is not a real instant',
  );

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && onCalendar(s), 'date is not a real day');

export const rawItemSchema = z.object({
  line_number: int(L.lineNumber),
  product_id: id(RAW_ORDER_IDS.product),
  product_name: text(L.productName),
  category: text(L.category).refine((c) => categoryKey(c) !== '', 'category needs a letter or digit'),
  quantity: int(L.quantity),
  unit_price: money,
  discount: money,
});

export const rawPaymentSchema = z.object({
  payment_id: text(L.paymentId),
  method: z.enum(PAYMENT_METHODS),
  amount: money,
  status: z.enum(PAYMENT_STATUSES),
});

export const rawCustomerSchema = z.object({
  customer_id: id(RAW_ORDER_IDS.customer),
  country: z.enum(COUNTRIES, { error: 'not an ISO 3166-1 alpha-2 country code' }),
  segment: z.enum(SEGMENTS),
  signup_date: isoDate,
});

/** Converts a money amount to integer cents; exact for values that passed `money`. */
export const toCents = (amount: number): number => Math.round(amount * 100);

const rawOrderObject = z.object({
  order_id: id(RAW_ORDER_IDS.order),
  order_timestamp: isoUtcTimestamp,
  status: z.enum(ORDER_STATUSES),
  sales_channel: z.enum(SALES_CHANNELS),
  currency: z.enum(CURRENCIES, { error: 'not an ISO 4217 currency code' }),
  customer: rawCustomerSchema,
  items: z.array(rawItemSchema).min(L.items.min).max(L.items.max),
  payments: z.array(rawPaymentSchema).min(L.payments.min).max(L.payments.max),
  shipping_fee: money,
  tax: money,
  order_total: money,
});

/**
 * Field names of each object in contract order (the order the generator writes them in),
 * straight from the schema's shapes.
 */
export const RAW_ORDER_KEYS = {
  order: Object.keys(rawOrderObject.shape),
  customer: Object.keys(rawCustomerSchema.shape),
  item: Object.keys(rawItemSchema.shape),
  payment: Object.keys(rawPaymentSchema.shape),
} as const satisfies Record<string, readonly string[]>;

export const rawOrderSchema = rawOrderObject.superRefine((order, ctx) => {
  const issue = (reason: ContractReason, message: string) =>
    ctx.addIssue({ code: 'custom', message, params: { reason } });

  const lines = new Set(order.items.map((i) => i.line_number));
  if (lines.size !== order.items.length) issue('duplicate_line_number', 'items repeat a line_number');

  let cents = toCents(order.shipping_fee) + toCents(order.tax);
  for (const item of order.items) {
    const gross = item.quantity * toCents(item.unit_price);
    if (toCents(item.discount) > gross)
      issue('money_mismatch', `line ${item.line_number}: discount exceeds price`);
    cents += gross - toCents(item.discount);
  }
  if (cents !== toCents(order.order_total)) {
    issue('money_mismatch', `order_total ${order.order_total} != items + shipping + tax (${cents / 100})`);
  }
  if (order.status === 'completed') {
    const paid = order.payments.filter((p) => p.status === 'paid').reduce((s, p) => s + toCents(p.amount), 0);
    if (paid !== toCents(order.order_total)) {
      issue('payment_mismatch', `paid payments ${paid / 100} != order_total ${order.order_total}`);
    }
  }
});

/** One raw order as the contract defines it. */
export type RawOrder = z.infer<typeof rawOrderSchema>;
export type RawItem = z.infer<typeof rawItemSchema>;
export type RawPayment = z.infer<typeof rawPaymentSchema>;
