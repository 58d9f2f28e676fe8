import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FxTable } from '../../../lambda/core/fx-table.js';
import type { ObjectStore } from '../../../lambda/core/object-store.js';
import { hasRecordDue, isDueForRetry } from '../../../lambda/core/quarantine-retry.js';
import { TEST_NOW, tempLake, validOrder } from '../support/orders.js';

// The Lambda's check of one quarantine file before a retry (lambda/core/quarantine-retry.ts).
const KEY = 'quarantine/store_sales/orders_2025_06.jsonl';
/** 2025-07-05T04:04:07Z: in the future at TEST_NOW (2025-06-30), due on RETRY_AT. */
const SOON = validOrder(4, 2025, 7);
const RETRY_AT = Date.UTC(2025, 6, 6);
const record = (reason: string, raw: unknown) =>
  JSON.stringify({ reason, raw: typeof raw === 'string' ? raw : JSON.stringify(raw), line_number: 1 });

let lake: Awaited<ReturnType<typeof tempLake>>;
/** The streams `get` handed out, to see that each was released. */
let opened: Readable[];
let store: ObjectStore;
beforeEach(async () => {
  lake = await tempLake();
  opened = [];
  store = Object.create(lake.store) as ObjectStore;
  store.get = async (key) => {
    const s = await lake.store.get(key);
    opened.push(s);
    return s;
  };
});
afterEach(() => lake.cleanup());

describe('hasRecordDue', () => {
  it('finds a due record past lines that are not records or not due, and releases the stream', async () => {
    const lines = [
      'not a record, but it names "timestamp_out_of_range"',
      record('schema_violation', SOON),
      record('timestamp_out_of_range', '{broken'),
      record('timestamp_out_of_range', { ...SOON, order_timestamp: '2026-03-01T00:00:00Z' }),
      record('timestamp_out_of_range', SOON),
      // a long tail, read to its end (a refusal would come last)
      ...Array.from({ length: 5_000 }, (_, i) => record('schema_violation', validOrder(i))),
    ];
    await lake.store.put(KEY, `${lines.join('\n')}\n`);

    expect(await hasRecordDue(store, KEY, RETRY_AT)).toBe(true);
    expect(await hasRecordDue(store, KEY, TEST_NOW)).toBe(false);
    expect(opened).toHaveLength(2);
    for (const s of opened) expect(s.destroyed).toBe(true);
  });

  it('has nothing due beside a whole-file refusal: the refused raw file would only be refused again', async () => {
    const due = record('timestamp_out_of_range', SOON);
    const refusal = JSON.stringify({ reason: 'empty_file', raw: '', line_number: 0 });
    await lake.store.put(KEY, `${due}\n${refusal}\n`);
    expect(await hasRecordDue(store, KEY, RETRY_AT)).toBe(false);
    // the good version re-uploaded: its record is due again
    await lake.store.put(KEY, `${due}\n`);
    expect(await hasRecordDue(store, KEY, RETRY_AT)).toBe(true);
  });

  it('has nothing due in a file of other reasons, and fails on a missing file', async () => {
    await lake.store.put(KEY, `${record('schema_violation', SOON)}\n${record('duplicate_order_id', SOON)}\n`);
    expect(await hasRecordDue(store, KEY, RETRY_AT)).toBe(false);
    await expect(hasRecordDue(store, 'quarantine/store_sales/none.jsonl', RETRY_AT)).rejects.toThrow(
      'object not found',
    );
  });
});

describe('isDueForRetry: orders without a USD rate', () => {
  /** A GBP order of January 2026, past the shipped rates. */
  const GBP_JAN_2026 = JSON.stringify(validOrder(1, 2026, 1));
  const withJanuary = new FxTable(new Map([['GBP 2026-01', 1_270_000]]), 'test');
  const withFebruary = new FxTable(new Map([['GBP 2026-02', 1_270_000]]), 'test');
  const missing = { reason: 'fx_rate_missing' as const, raw: GBP_JAN_2026 };

  it("is due once the table has the rate of the order's currency and UTC month, and not before", () => {
    expect(isDueForRetry(missing, TEST_NOW, withJanuary)).toBe(true);
    expect(isDueForRetry(missing, TEST_NOW, withFebruary)).toBe(false);
    // Without a table (the local ETL re-runs every source when its table changes), never.
    expect(isDueForRetry(missing, TEST_NOW)).toBe(false);
    // Another reason with a rate present, or a record that is not JSON: never.
    expect(
      isDueForRetry({ reason: 'schema_violation' as const, raw: GBP_JAN_2026 }, TEST_NOW, withJanuary),
    ).toBe(false);
    expect(isDueForRetry({ reason: 'fx_rate_missing' as const, raw: '{broken' }, TEST_NOW, withJanuary)).toBe(
      false,
    );
  });

  it('finds such a record in a quarantine file only when given the table', async () => {
    await lake.store.put(
      KEY,
      `${record('schema_violation', SOON)}\n${record('fx_rate_missing', GBP_JAN_2026)}\n`,
    );
    expect(await hasRecordDue(store, KEY, TEST_NOW, withJanuary)).toBe(true);
    expect(await hasRecordDue(store, KEY, TEST_NOW, withFebruary)).toBe(false);
    expect(await hasRecordDue(store, KEY, TEST_NOW)).toBe(false);
  });
});
