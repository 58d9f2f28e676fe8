import { isUtf8 } from 'node:buffer';
import { EARLIEST_ORDER_YEAR } from '../../contracts/raw-order.js';
import type { RecordFormat } from '../../contracts/raw-order-original.js';
import { FastOrderParser } from './fast-order-parser.js';
import { type Rejection, rejection, validateFully } from './full-validation.js';
import type { HeldOrderIds } from './held-order-ids.js';
import { ENUMS, NormalizedOrder } from './normalized-order.js';
import { OrderIdSet } from './order-id-set.js';

import type { QuarantineWriter } from './quarantine-writer.js';
import type { RecordSink } from './record-splitters.js';

/** Earliest plausible order: 2000-01-01T00:00:00Z (the contract's `EARLIEST_ORDER_YEAR`). */
export const MIN_ORDER_MS = Date.UTC(EARLIEST_ORDER_YEAR, 0, 1);
const DAY_MS = 86_400_000;

/** The plausible-time rule: from 2000-01-01 up to a day after processing time `nowMs`. */
export const orderTimeInRange = (timestampMs: number, nowMs: number): boolean =>
  timestampMs >= MIN_ORDER_MS && timestampMs <= nowMs + DAY_MS;

/**
 * Decides each record's fate: loaded (rows appended to its partition) or quarantined with a
 * reason. Checks in order: contract (fast path, else JSON.parse + zod), plausible timestamp
 * (2000-01-01 up to a day after `nowMs`), a USD rate for its currency and month, order_id not
 * held by another source (`held`: the first loaded copy wins), order_id not already loaded from
 * this source.
 * Counts satisfy read = loaded + quarantined after every record.
 */
export class OrderSink implements RecordSink {
  read = 0;
  loaded = 0;
  /** Raw keys of the other sources that hold orders this source repeats. */
  readonly holders = new Set<string>();
  /** Records read per format (version 2, the original format, unrecognised); adds up to `read`. */
  readonly byFormat: Record<RecordFormat, number> = { v2: 0, original: 0, unrecognised: 0 };
  private readonly parser = new FastOrderParser();
  private readonly order = new NormalizedOrder();
  /** The order_ids loaded so far (each once: a second copy is quarantined as a duplicate). */
  readonly ids = new OrderIdSet();
  private readonly nowMs: number;

  constructor(
    private readonly writers: {
      hasRate(order: NormalizedOrder): boolean;
      append(order: NormalizedOrder): void;
    },
    private readonly quarantine: Pick<QuarantineWriter, 'add'>,
    nowMs: number,
    private readonly held?: HeldOrderIds,
  ) {
    this.nowMs = nowMs;
  }

  record(buf: Buffer, start: number, end: number, ordinal: number, utf8 = false): void {
    this.read++;
    // Checked on the bytes (native, fast): decoding would turn bad bytes into U+FFFD silently.
    const valid = utf8 || isUtf8(buf.subarray(start, end));
    const rejected = valid ? this.accept(buf, start, end) : this.notUtf8();
    if (rejected) this.quarantine.add(ordinal, rejected, buf.toString('utf8', start, end));
  }

  private notUtf8(): Rejection {
    this.byFormat.unrecognised++;
    return rejection('invalid_utf8', '(record)', 'the record is not valid UTF-8');
  }

  /** Loads the record, or says why not. */
  private accept(buf: Buffer, start: number, end: number): Rejection | undefined {
    const o = this.order;
    if (this.parser.parse(buf, start, end, o)) this.byFormat.v2++;
    else {
      const verdict = validateFully(buf.toString('utf8', start, end));
      this.byFormat[verdict.format]++;
      if ('reason' in verdict) return verdict;
      if (!this.parser.parse(verdict.canonical, 0, verdict.canonical.length, o)) {
        return rejection('schema_violation', '(order)', this.parser.bailReason);
      }
    }
    if (!orderTimeInRange(o.timestampMs, this.nowMs)) {
      const when = new Date(o.timestampMs).toISOString();
      const why = `${when} is before 2000-01-01 or more than a day after processing`;
      return rejection('timestamp_out_of_range', 'order_timestamp', why);
    }
    if (!this.writers.hasRate(o)) {
      const month = `${o.year}-${String(o.month).padStart(2, '0')}`;
      const why = `no USD rate for ${ENUMS.currency[o.currency]} in ${month} (add it to the FX reference table)`;
      return rejection('fx_rate_missing', 'currency', why);
    }
    const holder = this.held?.holderOf(o.src, o.orderIdStart, o.orderIdEnd);
    if (holder !== undefined) {
      this.holders.add(holder);
      return rejection(
        'duplicate_order_id',
        'order_id',
        `${o.orderIdText()} was already loaded from ${holder}`,
      );
    }
    if (!this.ids.add(o.src, o.orderIdStart, o.orderIdEnd)) {
      const why = `${o.orderIdText()} was already loaded from an earlier record of this source`;
      return rejection('duplicate_order_id', 'order_id', why);
    }
    this.loaded++;
    this.writers.append(o);
    return undefined;
  }

  oversized(ordinal: number, head: Buffer, bytes: number): void {
    this.read++;
    this.byFormat.unrecognised++;
    const why = rejection('oversized_record', '(record)', `${bytes} bytes exceed the per-record limit`);
    this.quarantine.add(ordinal, why, head.toString('utf8'), bytes);
  }
}
