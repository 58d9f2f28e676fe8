import { isUtf8 } from 'node:buffer';
import { FastOrderParser } from './fast-order-parser.js';
import { type Rejection, validateFully } from './full-validation.js';
import type { HeldOrderIds } from './held-order-ids.js';
import { NormalizedOrder } from './normalized-order.js';
import { OrderIdSet } from './order-id-set.js';

import type { QuarantineWriter } from './quarantine-writer.js';
import type { RecordSink } from './record-splitters.js';

/** Earliest plausible order: 2000-01-01T00:00:00Z. */
export const MIN_ORDER_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;

/** The plausible-time rule: from 2000-01-01 up to a day after processing time `nowMs`. */
export const orderTimeInRange = (timestampMs: number, nowMs: number): boolean =>
  timestampMs >= MIN_ORDER_MS && timestampMs <= nowMs + DAY_MS;

/**
 * Decides each record's fate: loaded (rows appended to its partition) or quarantined with a
 * reason. Checks in order: contract (fast path, else JSON.parse + zod), plausible timestamp
 * (2000-01-01 up to a day after `nowMs`), order_id not held by another source (`held`: the
 * first loaded copy wins), order_id not already loaded from this source.
 * Counts satisfy read = loaded + quarantined after every record.
 */
export class OrderSink implements RecordSink {
  read = 0;
  loaded = 0;
  /** Raw keys of the other sources that hold orders this source repeats. */
  readonly holders = new Set<string>();
  private readonly parser = new FastOrderParser();
  private readonly order = new NormalizedOrder();
  private readonly ids = new OrderIdSet();
  private readonly nowMs: number;

  constructor(
    private readonly writers: { append(order: NormalizedOrder): void },
    private readonly quarantine: Pick<QuarantineWriter, 'add'>,
    nowMs: number,
    private readonly held?: HeldOrderIds,
  ) {
    this.nowMs = nowMs;
  }

  record(buf: Buffer, start: number, end: number, ordinal: number): void {
    this.read++;
    // Checked on the bytes (native, fast): decoding would turn bad bytes into U+FFFD silently.
    const rejection = isUtf8(buf.subarray(start, end))
      ? this.accept(buf, start, end)
      : { reason: 'invalid_utf8' as const, message: 'the record is not valid UTF-8' };
    if (rejection)
      this.quarantine.add(ordinal, rejection.reason, rejection.message, buf.toString('utf8', start, end));
  }

  /** Loads the record, or says why not. */
  private accept(buf: Buffer, start: number, end: number): Rejection | undefined {
    const o = this.order;
    if (!this.parser.parse(buf, start, end, o)) {
      const verdict = validateFully(buf.toString('utf8', start, end));
      if ('reason' in verdict) return verdict;
      if (!this.parser.parse(verdict.canonical, 0, verdict.canonical.length, o)) {
        return { reason: 'schema_violation', message: this.parser.bailReason };
      }
    }
    if (!orderTimeInRange(o.timestampMs, this.nowMs)) {
      const when = new Date(o.timestampMs).toISOString();
      return {
        reason: 'timestamp_out_of_range',
        message: `order_timestamp ${when} is before 2000-01-01 or more than a day after processing`,
      };
    }
    const holder = this.held?.holderOf(o.src, o.orderIdStart, o.orderIdEnd);
    if (holder !== undefined) {
      this.holders.add(holder);
      return {
        reason: 'duplicate_order_id',
        message: `order_id ${o.orderIdText()} was already loaded from ${holder}`,
      };
    }
    if (!this.ids.add(o.src, o.orderIdStart, o.orderIdEnd)) {
      return {
        reason: 'duplicate_order_id',
        message: `order_id ${o.orderIdText()} was already loaded from an earlier record of this source`,
      };
    }
    this.loaded++;
    this.writers.append(o);
    return undefined;
  }

  oversized(ordinal: number, head: Buffer, bytes: number): void {
    this.read++;
    const message = `record of ${bytes} bytes exceeds the per-record limit`;
    this.quarantine.add(ordinal, 'oversized_record', message, head.toString('utf8'), bytes);
  }

  /** Quarantines the whole source (`sizeBytes` long): it is not JSON at all. */
  notJson(head: Buffer, sizeBytes: number): void {
    this.read++;
    const hex = head.subarray(0, 4).toString('hex');
    const message = `the file is neither JSON Lines nor a JSON array (starts with bytes ${hex})`;
    this.quarantine.add(0, 'not_json_file', message, head.toString('utf8'), sizeBytes);
  }
}
