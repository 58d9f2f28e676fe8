import { createInterface } from 'node:readline';
import type { FxTable } from './fx-table.js';
import type { ObjectStore } from './object-store.js';
import { orderTimeInRange } from './order-sink.js';
import { isWholeFileRecord, type QuarantineRecord } from './quarantine-writer.js';

/** The reasons a retry can resolve: time passing, and a rate added to the FX reference. */
const RETRYABLE = ['timestamp_out_of_range', 'fx_rate_missing'] as const;

/**
 * Which quarantined records a retry can load now:
 * - `timestamp_out_of_range` because they lay in the future, whose time has come (the same rule
 *   the ETL applies: up to a day after processing); orders before 2000 stay quarantined;
 * - `fx_rate_missing` whose currency has a rate for the order's UTC month in `fx` (the effective
 *   table, once the reference file has the month). The local ETL re-runs every source when its
 *   FX table changes; on AWS nothing else brings these orders back.
 * A retry re-runs the record's whole source: outputs are named after the source and replaced, so
 * nothing is counted twice and read = loaded + quarantined holds as on any run.
 */
export function isDueForRetry(
  record: Pick<QuarantineRecord, 'reason' | 'raw'>,
  nowMs: number,
  fx?: FxTable,
): boolean {
  if (record.reason !== 'timestamp_out_of_range' && (record.reason !== 'fx_rate_missing' || !fx))
    return false;
  type RawFields = { order_timestamp?: unknown; currency?: unknown } | null;
  let order: RawFields = null;
  try {
    order = JSON.parse(record.raw) as RawFields;
  } catch {
    // not JSON (a malformed line was quarantined as it came): never due
  }
  const timestamp = order?.order_timestamp;
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (!Number.isFinite(ms)) return false;
  if (record.reason === 'timestamp_out_of_range') return orderTimeInRange(ms, nowMs);
  const at = new Date(ms);
  return (
    typeof order?.currency === 'string' &&
    fx?.microRate(order.currency, at.getUTCFullYear(), at.getUTCMonth() + 1) !== undefined
  );
}

/**
 * True when the quarantine file at `key` holds a record due for retry (streamed, line by line),
 * and no whole-file refusal: the records kept beside a refusal are of the last good version, and
 * re-running the refused raw file would only refuse it again (and fail the run that asked).
 */
export async function hasRecordDue(
  store: ObjectStore,
  key: string,
  nowMs: number,
  fx?: FxTable,
): Promise<boolean> {
  const input = await store.get(key);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let due = false;
  try {
    for await (const line of lines) {
      // the refusal comes after the kept records: read to the end once one is due
      if (isWholeFileRecord(line)) return false;
      if (due || !RETRYABLE.some((reason) => line.includes(`"${reason}"`))) continue;
      try {
        due = isDueForRetry(JSON.parse(line) as QuarantineRecord, nowMs, fx);
      } catch {
        // a line that is not a record: not ours to retry
      }
    }
    return due;
  } finally {
    lines.close();
    input.destroy(); // stop reading (and free an S3 connection) once decided
  }
}
