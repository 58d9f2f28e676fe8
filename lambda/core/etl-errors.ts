/** Errors of the ETL core; each has a fixed `code` that logs and the CLI can match on. */

/** The key is not a raw source (`raw/store_sales/<name>.json|.jsonl|.ndjson`). */
export class SourceKeyError extends Error {
  override readonly name = 'SourceKeyError';
  readonly code = 'not_a_source_key';
  constructor(readonly key: string) {
    super(`"${key}" is not a raw source key: expected raw/store_sales/<name>.json (or .jsonl, .ndjson)`);
  }
}

/** Counts do not reconcile (read ≠ loaded + quarantined, or rows ≠ loaded): nothing is published. */
export class ReconciliationError extends Error {
  override readonly name = 'ReconciliationError';
  readonly code = 'reconciliation_failed';
}
