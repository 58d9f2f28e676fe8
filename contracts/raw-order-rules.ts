import type { IdPattern } from './id-patterns.js';
import { ISO_COUNTRY_CODES } from './iso-3166-countries.js';
import { ISO_CURRENCY_CODES } from './iso-4217-currencies.js';

/**
 * The raw order contract's rules as data: value lists, numeric limits and id shapes. The zod
 * schema (`raw-order.ts`, which re-exports all of this) is built from them, and the ETL's byte
 * parser reads the same constants, so each rule is written once.
 */

/** Customer countries: ISO 3166-1 alpha-2. Orders may pay in any currency, whatever the country. */
export const COUNTRIES = ISO_COUNTRY_CODES;
export type Country = (typeof COUNTRIES)[number];
/** Order currencies: ISO 4217. Converting to USD needs a rate for the order's month (the FX table). */
export const CURRENCIES = ISO_CURRENCY_CODES;
export type Currency = (typeof CURRENCIES)[number];

export const ORDER_STATUSES = ['completed', 'cancelled', 'returned'] as const;
export const SALES_CHANNELS = ['online', 'mobile_app', 'store'] as const;
export const SEGMENTS = ['consumer', 'small_business', 'corporate'] as const;
export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal', 'wallet', 'gift_card'] as const;
export const PAYMENT_STATUSES = ['paid', 'failed', 'refunded'] as const;
/** An inclusive range: of a number's value, an array's length, or a string's code points. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * The contract's numeric rules, read by the zod schema below and by the ETL's byte parser
 * (which sizes its buffers by them). Money is in currency units; text lengths in code points.
 */
/**
 * The earliest year an order may fall in (the ETL quarantines earlier ones as
 * `timestamp_out_of_range`); the AWS catalog projects the fact partitions from this year on.
 */
export const EARLIEST_ORDER_YEAR = 2000;

export const RAW_ORDER_LIMITS = {
  items: { min: 1, max: 200 },
  payments: { min: 1, max: 20 },
  lineNumber: { min: 1, max: 1000 },
  quantity: { min: 1, max: 1000 },
  money: { min: 0, max: 10_000_000 },
  productName: { min: 1, max: 200 },
  category: { min: 1, max: 100 },
  paymentId: { min: 1, max: 64 },
  timestampChars: { min: 0, max: 40 },
} as const satisfies Record<string, Range>;

/**
 * Ids are opaque strings from the store's own systems: 1–64 printable ASCII characters, except
 * `"` and `\` (so an id is never a JSON escape and its bytes are its text).
 */
const OPAQUE_ID: IdPattern = [{ chars: ' !#-[]-~', min: 1, max: 64 }];

/** The id shapes (see `IdPattern`); the schema checks them as `idRegExp(pattern)`. */
export const RAW_ORDER_IDS = {
  order: OPAQUE_ID,
  customer: OPAQUE_ID,
  product: OPAQUE_ID,
} as const satisfies Record<string, IdPattern>;

/**
 * A category's grouping key: free text folded to `snake_case` (NFKC, lower case, every run of
 * characters other than letters and digits becomes one `_`, none at either end). `Garden & Patio`
 * groups as `garden_patio`; a category with no letter or digit has an empty key and is invalid.
 */
export const categoryKey = (category: string): string =>
  category
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
