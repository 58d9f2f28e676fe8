import { digits, type IdPattern, lowerHex } from './id-patterns.js';

/**
 * The raw order contract's rules as data: value lists, numeric limits and id shapes. The zod
 * schema (`raw-order.ts`, which re-exports all of this) is built from them, and the ETL's byte
 * parser reads the same constants, so each rule is written once.
 */

export const COUNTRY_CURRENCY = {
  US: 'USD',
  UK: 'GBP',
  DE: 'EUR',
  FR: 'EUR',
  CA: 'CAD',
  IN: 'INR',
} as const;
export type Country = keyof typeof COUNTRY_CURRENCY;
export const COUNTRIES = Object.keys(COUNTRY_CURRENCY) as Country[];
export const CURRENCIES = ['USD', 'GBP', 'EUR', 'CAD', 'INR'] as const;

export const ORDER_STATUSES = ['completed', 'cancelled', 'returned'] as const;
export const SALES_CHANNELS = ['online', 'mobile_app', 'store'] as const;
export const SEGMENTS = ['consumer', 'small_business', 'corporate'] as const;
export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal', 'wallet', 'gift_card'] as const;
export const PAYMENT_STATUSES = ['paid', 'failed', 'refunded'] as const;
export const CATEGORIES = [
  'electronics',
  'home_kitchen',
  'fashion',
  'beauty',
  'sports_outdoors',
  'books',
  'toys_games',
  'grocery',
  'office',
] as const;

/** An inclusive range: of a number's value, an array's length, or a string's code points. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * The contract's numeric rules, read by the zod schema below and by the ETL's byte parser
 * (which sizes its buffers by them). Money is in currency units; text lengths in code points.
 */
export const RAW_ORDER_LIMITS = {
  items: { min: 1, max: 200 },
  payments: { min: 1, max: 20 },
  lineNumber: { min: 1, max: 1000 },
  quantity: { min: 1, max: 1000 },
  money: { min: 0, max: 10_000_000 },
  productName: { min: 1, max: 200 },
  paymentId: { min: 1, max: 64 },
  timestampChars: { min: 0, max: 40 },
} as const satisfies Record<string, Range>;

/** The id shapes (see `IdPattern`); the schema checks them as `idRegExp(pattern)`. */
export const RAW_ORDER_IDS = {
  order: ['ORD-', digits(8), '-', lowerHex(8)],
  customer: ['CUST-', digits(7)],
  product: ['PROD-', digits(4)],
} as const satisfies Record<string, IdPattern>;
