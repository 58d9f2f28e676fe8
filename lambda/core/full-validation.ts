import { type ContractReason, rawOrderSchema } from '../../contracts/raw-order.js';

/** Why a record was quarantined; stable codes that quarantine files and summaries carry. */
export type QuarantineReason =
  | 'invalid_json'
  | ContractReason
  | 'fx_rate_missing'
  | 'duplicate_order_id'
  | 'timestamp_out_of_range'
  | 'oversized_record'
  | 'not_json_file';

/** Every reason code, in the order summaries list them. */
export const QUARANTINE_REASONS: readonly QuarantineReason[] = [
  'invalid_json',
  'schema_violation',
  'money_mismatch',
  'payment_mismatch',
  'duplicate_line_number',
  'fx_rate_missing',
  'duplicate_order_id',
  'timestamp_out_of_range',
  'oversized_record',
  'not_json_file',
];

/** One broken rule of a record: its reason code, where (a dotted path, `(order)` for the whole) and what. */
export interface Violation {
  reason: QuarantineReason;
  path: string;
  message: string;
}

/**
 * Why a record is not loaded: every violation found, the first being the primary one (its reason
 * is the one counted; `message` is its `path: message`).
 */
export interface Rejection {
  reason: QuarantineReason;
  message: string;
  violations: Violation[];
}

/** A rejection for one violation. */
export const rejection = (reason: QuarantineReason, path: string, message: string): Rejection => ({
  reason,
  message: `${path}: ${message}`,
  violations: [{ reason, path, message }],
});

/** The record is valid: its canonical bytes (zod's output, re-serialised) for the fast parser. */
export interface Accepted {
  canonical: Buffer;
}

/**
 * The full path for a record the fast parser did not accept: JSON.parse, then the zod contract.
 * It is the authority on validity and on reason codes: every zod issue becomes a violation (the
 * schema's `params.reason`, else `schema_violation`, with the zod path and message). An accepted record is re-serialised so the
 * fast parser (one normalisation for every record) reads it in canonical form.
 */
export function validateFully(text: string): Accepted | Rejection {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return rejection('invalid_json', '(record)', (err as Error).message);
  }
  const result = rawOrderSchema.safeParse(value);
  if (result.success) return { canonical: Buffer.from(JSON.stringify(result.data)) };
  const violations: Violation[] = result.error.issues.map((issue) => ({
    reason:
      (issue.code === 'custom' ? (issue.params?.reason as ContractReason | undefined) : undefined) ??
      'schema_violation',
    path: issue.path.length ? issue.path.join('.') : '(order)',
    message: issue.message,
  }));
  const first = violations[0] ?? { reason: 'schema_violation', path: '(order)', message: 'invalid' };
  return { reason: first.reason, message: `${first.path}: ${first.message}`, violations };
}
