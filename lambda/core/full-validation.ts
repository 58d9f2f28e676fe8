import { type ContractReason, rawOrderSchema } from '../../contracts/raw-order.js';
import { jsonShapeProblem } from './json-shape-guard.js';

/** Why a record was quarantined; stable codes that quarantine files and summaries carry. */
export type QuarantineReason =
  | 'invalid_json'
  | ContractReason
  | 'duplicate_order_id'
  | 'timestamp_out_of_range'
  | 'oversized_record'
  | 'not_json_file'
  /** The record's bytes are not valid UTF-8 (decoding would silently replace them with U+FFFD). */
  | 'invalid_utf8'
  /** One object holds the same key twice (JSON.parse would silently keep the last). */
  | 'duplicate_key'
  /** Objects/arrays nested deeper than any order (json-shape-guard.ts, MAX_JSON_DEPTH). */
  | 'nesting_too_deep'
  /** A whole raw file refused because another raw file shares its base name (AWS path). */
  | 'colliding_source';

/** Every reason code, in the order summaries list them. */
export const QUARANTINE_REASONS: readonly QuarantineReason[] = [
  'invalid_json',
  'schema_violation',
  'currency_mismatch',
  'money_mismatch',
  'payment_mismatch',
  'duplicate_line_number',
  'duplicate_order_id',
  'timestamp_out_of_range',
  'oversized_record',
  'not_json_file',
  'invalid_utf8',
  'duplicate_key',
  'nesting_too_deep',
  'colliding_source',
];

export interface Rejection {
  reason: QuarantineReason;
  message: string;
}

/** The record is valid: its canonical bytes (zod's output, re-serialised) for the fast parser. */
export interface Accepted {
  canonical: Buffer;
}

/**
 * The full path for a record the fast parser did not accept: JSON.parse, then the zod contract.
 * It is the authority on validity and on the reason code (the schema's `params.reason`, else
 * `schema_violation` with the zod path and message). An accepted record is re-serialised so the
 * fast parser (one normalisation for every record) reads it in canonical form.
 */
export function validateFully(text: string): Accepted | Rejection {
  const shape = jsonShapeProblem(text);
  if (shape) return shape;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { reason: 'invalid_json', message: (err as Error).message };
  }
  const result = rawOrderSchema.safeParse(value);
  if (result.success) return { canonical: Buffer.from(JSON.stringify(result.data)) };
  const issue = result.error.issues[0];
  const reason =
    (issue?.code === 'custom' ? (issue.params?.reason as ContractReason | undefined) : undefined) ??
    'schema_violation';
  const path = issue?.path.length ? issue.path.join('.') : '(order)';
  return { reason, message: `${path}: ${issue?.message ?? 'invalid'}` };
}
