import { z } from 'zod';
import { type RawOrder, rawItemSchema, rawOrderSchema, rawPaymentSchema } from './raw-order.js';
import { RAW_ORDER_LIMITS } from './raw-order-rules.js';

/**
 * The original project's order format (docs/contracts.md, "The original format"), accepted
 * through an adapter into the version-2 contract. Its files are one JSON array per month; each
 * order has one `payment` object instead of a `payments` array, and no `status`, `line_number`,
 * `shipping_fee` or `tax`. The adapter fills the documented defaults, then the version-2 schema
 * checks the result, so money and reconciliation rules are exactly as strict as for version 2.
 */

/** The formats a raw record can be in; `unrecognised`: not a JSON object, or too large to read. */
export const RECORD_FORMATS = ['v2', 'original', 'unrecognised'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/** `schema_version` values a record may state explicitly, and the format each selects. */
export const SCHEMA_VERSIONS: Readonly<Record<number, RecordFormat>> = { 1: 'original', 2: 'v2' };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The format of a parsed record: its explicit `schema_version` (1 original, 2 version 2, any other
 * value unrecognised), else its shape: a `payment` object with neither `payments` nor `status` is
 * the original format; any other object is version 2.
 */
export function recordFormatOf(value: unknown): RecordFormat {
  if (!isObject(value)) return 'unrecognised';
  if ('schema_version' in value) return SCHEMA_VERSIONS[value.schema_version as number] ?? 'unrecognised';
  const original = isObject(value.payment) && !('payments' in value) && !('status' in value);
  return original ? 'original' : 'v2';
}

const L = RAW_ORDER_LIMITS;
const v2 = rawOrderSchema.shape;

/**
 * The original format's fields, each with the version-2 rule of the field it becomes, so one pass
 * names every structural violation; the defaults are the documented ones.
 */
export const originalOrderSchema = z.object({
  schema_version: z.literal(1).optional(),
  order_id: v2.order_id,
  order_timestamp: v2.order_timestamp,
  status: v2.status.default('completed'),
  sales_channel: v2.sales_channel,
  currency: v2.currency,
  customer: v2.customer,
  items: z
    .array(rawItemSchema.extend({ line_number: rawItemSchema.shape.line_number.optional() }))
    .min(L.items.min)
    .max(L.items.max),
  payment: z.object({
    payment_id: rawPaymentSchema.shape.payment_id.optional(),
    method: rawPaymentSchema.shape.method,
    amount: rawPaymentSchema.shape.amount.optional(),
  }),
  shipping_fee: v2.shipping_fee.default(0),
  tax: v2.tax.default(0),
  order_total: v2.order_total,
});
export type OriginalOrder = z.infer<typeof originalOrderSchema>;

/**
 * An original-format order in version-2 shape: status `completed` unless given, `line_number` =
 * array position (1-based) unless given, the one payment as one paid payment of `order_total`
 * (its `amount` if given, which must then add up like any payment; `payment_id` `1` if absent),
 * shipping and tax 0 unless given, the currency as given. Field values are checked afterwards
 * by the version-2 schema.
 */
export function fromOriginal(o: OriginalOrder): unknown {
  const { schema_version: _, payment, ...rest } = o;
  return {
    ...rest,
    items: o.items.map((item, i) => ({ line_number: i + 1, ...item })),
    payments: [
      {
        payment_id: payment.payment_id ?? '1',
        method: payment.method,
        amount: payment.amount ?? o.order_total,
        status: 'paid',
      },
    ],
  };
}

/** A version-2 record without its optional `schema_version: 2`. */
function withoutVersion(value: unknown): unknown {
  if (!isObject(value) || !('schema_version' in value)) return value;
  const { schema_version, ...rest } = value;
  return schema_version === 2 ? rest : value;
}

/** zod's verdict on a record in any accepted format, and the format it was read as. */
export type RawRecordVerdict =
  | { format: RecordFormat; order: RawOrder }
  | { format: RecordFormat; issues: readonly z.core.$ZodIssue[] };

const verdictOf = (format: RecordFormat, result: z.ZodSafeParseResult<unknown>): RawRecordVerdict =>
  result.success ? { format, order: result.data as RawOrder } : { format, issues: result.error.issues };

/**
 * Validates one parsed record against the contract, through the original-format adapter when
 * that is its format. An accepted record is always a version-2 `RawOrder`.
 */
export function parseRawRecord(value: unknown): RawRecordVerdict {
  const format = recordFormatOf(value);
  if (isObject(value) && 'schema_version' in value && !SCHEMA_VERSIONS[value.schema_version as number]) {
    const got = JSON.stringify(value.schema_version);
    const message = `schema_version must be 1 (original format) or 2 (version 2), got ${got}`;
    return { format, issues: [{ code: 'custom', path: ['schema_version'], message, input: got }] };
  }
  if (format !== 'original') return verdictOf(format, rawOrderSchema.safeParse(withoutVersion(value)));
  const original = originalOrderSchema.safeParse(value);
  if (!original.success) return verdictOf(format, original);
  return verdictOf(format, rawOrderSchema.safeParse(fromOriginal(original.data)));
}
