import type { ContractReason } from '../../contracts/raw-order.js';
import { parseRawRecord, type RecordFormat } from '../../contracts/raw-order-original.js';
import { jsonShapeProblem } from './json-shape-guard.js';

/** Why a record was quarantined; stable codes that quarantine files and summaries carry. */
export type QuarantineReason =
  | 'invalid_json'
  | ContractReason
  | 'fx_rate_missing'
  | 'duplicate_order_id'
  | 'timestamp_out_of_range'
  | 'oversized_record'
  /** The whole file: neither JSON Lines nor a JSON array. */
  | 'not_json_file'
  /** The whole file: a JSON array whose structure is broken (json-array-splitter.ts). */
  | 'malformed_json_array'
  /** The whole file: empty or whitespace only (`[]` is a month without orders). */
  | 'empty_file'
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
  'money_mismatch',
  'payment_mismatch',
  'duplicate_line_number',
  'fx_rate_missing',
  'duplicate_order_id',
  'timestamp_out_of_range',
  'oversized_record',
  'not_json_file',
  'malformed_json_array',
  'empty_file',
  'invalid_utf8',
  'duplicate_key',
  'nesting_too_deep',
  'colliding_source',
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
  /** The format it came in (an original-format record's canonical bytes are version 2). */
  format: RecordFormat;
}

/** A rejection, with the format the record was read as. */
export type FullRejection = Rejection & { format: RecordFormat };

/**
 * The full path for a record the fast parser did not accept: JSON.parse, then the zod contract
 * (through the original-format adapter for records in that format). It is the authority on
 * validity and on reason codes: every zod issue becomes a violation (the schema's
 * `params.reason`, else `schema_violation`, with the zod path and message). An accepted record is
 * re-serialised in version-2 form so the fast parser (one normalisation for every record) reads it.
 */
export function validateFully(text: string): Accepted | FullRejection {
  const shape = jsonShapeProblem(text);
  if (shape) return { ...rejection(shape.reason, '(record)', shape.message), format: 'unrecognised' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ...rejection('invalid_json', '(record)', (err as Error).message), format: 'unrecognised' };
  }
  const verdict = parseRawRecord(value);
  const { format } = verdict;
  if ('order' in verdict) return { canonical: Buffer.from(JSON.stringify(verdict.order)), format };
  const violations: Violation[] = verdict.issues.map((issue) => ({
    reason:
      (issue.code === 'custom' ? (issue.params?.reason as ContractReason | undefined) : undefined) ??
      'schema_violation',
    path: issue.path.length ? issue.path.join('.') : '(order)',
    message: issue.message,
  }));
  // a failed zod parse reports at least one issue
  const first = violations[0] as Violation;
  return { reason: first.reason, message: `${first.path}: ${first.message}`, violations, format };
}
