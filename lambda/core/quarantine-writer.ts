import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { QuarantineReason, Rejection, Violation } from './full-validation.js';

/** One line of `quarantine/store_sales/<source>.jsonl`. */
export interface QuarantineRecord {
  /** The raw object key the record came from. */
  source_key: string;
  /** Line number in a JSON Lines file (1-based), element number in a JSON array file; 0 for the whole file. */
  line_number: number;
  /** The primary violation's reason (the one counted) and its `path: message`. */
  reason: QuarantineReason;
  message: string;
  /** Every violation found, the primary first. */
  violations: Violation[];
  /** The record as it was (decoded as UTF-8), or its first bytes when `raw_truncated`. */
  raw: string;
  raw_truncated?: true;
  /** Full length in bytes, given when the raw text is truncated. */
  raw_bytes?: number;
}

/**
 * Appends rejected records to a local JSON Lines file (created on the first record) and counts
 * them by reason. The file is published by the caller once the source is done.
 */
export class QuarantineWriter {
  count = 0;
  readonly byReason: Partial<Record<QuarantineReason, number>> = {};
  private out: WriteStream | undefined;

  constructor(
    readonly file: string,
    private readonly sourceKey: string,
  ) {}

  add(
    lineNumber: number,
    { reason, message, violations }: Rejection,
    raw: string,
    truncatedFrom?: number,
  ): void {
    const record: QuarantineRecord = {
      source_key: this.sourceKey,
      line_number: lineNumber,
      reason,
      message,
      violations,
      raw,
    };
    if (truncatedFrom !== undefined) {
      record.raw_truncated = true;
      record.raw_bytes = truncatedFrom;
    }
    this.out ??= createWriteStream(this.file);
    this.out.write(`${JSON.stringify(record)}\n`);
    this.count++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
  }

  /** Waits while the file stream's buffer is over its limit (many rejects in one chunk). */
  async drain(): Promise<void> {
    if (this.out?.writableNeedDrain) await once(this.out, 'drain');
  }

  /** Closes the file (again is a no-op); true when it holds any record. */
  async close(): Promise<boolean> {
    const out = this.out;
    this.out = undefined;
    if (out) {
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(resolve);
      });
    }
    return this.count > 0;
  }
}

/**
 * True for a quarantine file's line that records a whole file refused (`line_number` 0: not
 * JSON, a malformed array, empty), which `publishOutputs` adds after the records of the version
 * whose facts stay. A line that is not JSON is no such record.
 */
export function isWholeFileRecord(line: string): boolean {
  if (!line.includes('"line_number":0')) return false;
  try {
    return (JSON.parse(line) as Partial<QuarantineRecord>).line_number === 0;
  } catch {
    return false;
  }
}
