import { createInterface } from 'node:readline';
import type { ObjectStore } from './object-store.js';
import { orderTimeInRange } from './order-sink.js';
import type { QuarantineRecord } from './quarantine-writer.js';

/**
 * Which quarantined records a retry can load now: those rejected as `timestamp_out_of_range`
 * because they lay in the future, whose time has come (the same rule the ETL applies: up to a day
 * after processing). Orders before 2000 stay quarantined. A retry re-runs the record's whole source:
 * outputs are named after the source and replaced, so nothing is counted twice and
 * read = loaded + quarantined holds as on any run.
 */
export function isDueForRetry(record: Pick<QuarantineRecord, 'reason' | 'raw'>, nowMs: number): boolean {
  if (record.reason !== 'timestamp_out_of_range') return false;
  let timestamp: unknown;
  try {
    timestamp = (JSON.parse(record.raw) as { order_timestamp?: unknown }).order_timestamp;
  } catch {
    // not JSON (a malformed line was quarantined as it came), or `null`: no time, never due
  }
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  return Number.isFinite(ms) && orderTimeInRange(ms, nowMs);
}

/** True when the quarantine file at `key` holds a record due for retry (streamed, line by line). */
export async function hasRecordDue(store: ObjectStore, key: string, nowMs: number): Promise<boolean> {
  const input = await store.get(key);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (!line.includes('"timestamp_out_of_range"')) continue;
      try {
        if (isDueForRetry(JSON.parse(line) as QuarantineRecord, nowMs)) return true;
      } catch {
        // a line that is not a record: not ours to retry
      }
    }
    return false;
  } finally {
    lines.close();
    input.destroy(); // stop reading (and free an S3 connection) once decided
  }
}
