import {
  COUNTRIES,
  CURRENCIES,
  ORDER_STATUSES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  RAW_ORDER_LIMITS,
  SALES_CHANNELS,
  SEGMENTS,
} from '../../contracts/raw-order.js';

/**
 * One valid order in the form the flattener consumes: enums as codes (indexes into the
 * contract's value lists), money as integer cents, times as UTC milliseconds / day numbers, and
 * strings as byte ranges. A single instance is reused for every record of a file, so the hot
 * path allocates almost nothing per order.
 */

/**
 * Contract value lists in code order; `ENUM_BYTES` holds their UTF-8 bytes. Every list has at
 * most 256 values (a code is one byte); categories are free text, stored as strings.
 */
export const ENUMS = {
  status: ORDER_STATUSES,
  channel: SALES_CHANNELS,
  currency: CURRENCIES,
  country: COUNTRIES,
  segment: SEGMENTS,
  method: PAYMENT_METHODS,
  paymentStatus: PAYMENT_STATUSES,
} as const;

type EnumName = keyof typeof ENUMS;
export const ENUM_BYTES = Object.fromEntries(
  Object.entries(ENUMS).map(([name, values]) => [name, values.map((v: string) => Buffer.from(v))]),
) as Record<EnumName, Buffer[]>;
for (const [name, values] of Object.entries(ENUMS)) {
  if (values.length > 256) throw new Error(`${name}: ${values.length} values do not fit one-byte codes`);
}

export const STATUS_COMPLETED = ORDER_STATUSES.indexOf('completed');
export const PAYMENT_PAID = PAYMENT_STATUSES.indexOf('paid');

/** Items per order at most: the per-item buffers hold this many. */
const MAX_ITEMS = RAW_ORDER_LIMITS.items.max;

/**
 * String references at or above this offset point into `arena` (values that had to be decoded,
 * e.g. escaped), below it into `src` (the record's own bytes, copied as they are).
 */
export const ARENA = 0x4000_0000;

export class NormalizedOrder {
  src: Buffer = Buffer.alloc(0);
  arena: Buffer = Buffer.alloc(1024);
  arenaUsed = 0;

  /** order_id, customer_id: byte ranges of `src` (the contract keeps escapes out of ids). */
  orderIdStart = 0;
  orderIdEnd = 0;
  customerIdStart = 0;
  customerIdEnd = 0;
  /** UTC milliseconds, the UTC day number (days since 1970-01-01) and the UTC year/month. */
  timestampMs = 0;
  day = 0;
  year = 0;
  month = 0;
  signupDay = 0;

  status = 0;
  channel = 0;
  currency = 0;
  country = 0;
  segment = 0;

  shippingCents = 0;
  taxCents = 0;
  totalCents = 0;

  itemCount = 0;
  readonly lineNumber = new Int32Array(MAX_ITEMS);
  readonly productIdStart = new Int32Array(MAX_ITEMS);
  readonly productIdEnd = new Int32Array(MAX_ITEMS);
  readonly productNameStart = new Int32Array(MAX_ITEMS);
  readonly productNameEnd = new Int32Array(MAX_ITEMS);
  /** Category grouping keys (`categoryKey`): record bytes when already snake_case, else the arena. */
  readonly categoryStart = new Int32Array(MAX_ITEMS);
  readonly categoryEnd = new Int32Array(MAX_ITEMS);
  readonly quantity = new Int32Array(MAX_ITEMS);
  readonly unitPriceCents = new Float64Array(MAX_ITEMS);
  readonly discountCents = new Float64Array(MAX_ITEMS);

  paymentCount = 0;
  /** Method of the largest payment (first one on ties), and the sum of paid payments. */
  paymentMethod = 0;
  largestPaymentCents = -1;
  paidCents = 0;

  /** Prepares for the next record, whose string bytes live in `src`. */
  reset(src: Buffer): void {
    this.src = src;
    this.arenaUsed = 0;
    this.itemCount = 0;
    this.paymentCount = 0;
    this.largestPaymentCents = -1;
    this.paidCents = 0;
  }

  /** The order_id as text (for messages). */
  orderIdText(): string {
    return this.src.toString('latin1', this.orderIdStart, this.orderIdEnd);
  }

  /** Stores a decoded string in the arena and returns its `[start, end)` reference. */
  addToArena(value: string): [number, number] {
    const need = this.arenaUsed + value.length * 3;
    if (need > this.arena.length) {
      const grown = Buffer.alloc(Math.max(need, this.arena.length * 2));
      this.arena.copy(grown, 0, 0, this.arenaUsed);
      this.arena = grown;
    }
    const start = this.arenaUsed;
    this.arenaUsed += this.arena.write(value, start); // UTF-8
    return [ARENA + start, ARENA + this.arenaUsed];
  }
}
