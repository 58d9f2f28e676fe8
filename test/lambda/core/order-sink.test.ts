import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuarantineReason } from '../../../lambda/core/full-validation.js';
import { QUARANTINE_REASONS } from '../../../lambda/core/full-validation.js';
import { ENUMS } from '../../../lambda/core/normalized-order.js';
import { OrderSink } from '../../../lambda/core/order-sink.js';
import { originalMonthOrders } from '../../support/original-generator.js';
import { anyLine } from '../support/order-mutations.js';
import { TEST_NOW, validOrder } from '../support/orders.js';

/** Any line, with untouched valid orders mixed in: most of `anyLine` is broken on purpose. */
const mixedLine = fc.oneof(
  { weight: 1, arbitrary: fc.nat(10_000).map((i) => JSON.stringify(validOrder(i))) },
  { weight: 2, arbitrary: anyLine },
);

function sinkWithSpies() {
  const appended: string[] = [];
  const rejected: { line: number; reason: QuarantineReason; message: string; raw: string }[] = [];
  const sink = new OrderSink(
    {
      hasRate: (o) => ENUMS.currency[o.currency] !== 'JPY',
      append: (o) => appended.push(o.src.toString('latin1', o.orderIdStart, o.orderIdEnd)),
    },
    { add: (line, { reason, message }, raw) => rejected.push({ line, reason, message, raw }) },
    TEST_NOW,
  );
  return { sink, appended, rejected };
}

describe('OrderSink', () => {
  it('turns any line into rows or one quarantine record with a known reason, and never throws', () => {
    let lineCount = 0;
    let loaded = 0;
    fc.assert(
      fc.property(fc.array(mixedLine, { minLength: 1, maxLength: 20 }), (lines) => {
        const { sink, appended, rejected } = sinkWithSpies();
        lines.forEach((line, i) => {
          const buf = Buffer.from(line);
          sink.record(buf, 0, buf.length, i + 1);
        });
        expect(sink.read).toBe(lines.length);
        expect(appended.length + rejected.length).toBe(lines.length);
        expect(sink.loaded).toBe(appended.length);
        lineCount += lines.length;
        loaded += appended.length;
        for (const r of rejected) {
          expect(QUARANTINE_REASONS).toContain(r.reason);
          expect(r.message).not.toBe('');
          expect(r.raw).toBe(Buffer.from(lines[r.line - 1]!).toString('utf8'));
        }
      }),
      { numRuns: 500 },
    );
    // A sink that rejected every line (or loaded every line) would pass the property above:
    // the generator gives thousands of lines, and both outcomes must be common.
    expect(loaded / lineCount).toBeGreaterThan(0.2);
    expect(loaded / lineCount).toBeLessThan(0.8);
  });

  it('reads a record inside a larger buffer without looking past its end', () => {
    const { sink, appended, rejected } = sinkWithSpies();
    const a = JSON.stringify(validOrder(1));
    const text = `${a.slice(0, -1)}\n,"x":1}\n`;
    const buf = Buffer.from(text);
    sink.record(buf, 0, a.length - 1, 1);
    expect(appended).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(['invalid_json']);
  });
});

// One record of each fate, through one sink: the quarantine entry each gets (reason, the
// `path: message` shown to people, the raw text), and the counts per format, which the ETL
// reports as metrics and which add up to `read`.
describe('OrderSink fates', () => {
  const line = (o: unknown) => Buffer.from(JSON.stringify(o));
  const feed = (sink: OrderSink, buf: Buffer, ordinal: number) => sink.record(buf, 0, buf.length, ordinal);
  const DAY = 86_400_000;
  const at = (ms: number) => ({ ...validOrder(1), order_timestamp: new Date(ms).toISOString() });

  it('loads or quarantines each record with its reason and message, counting it in its format', () => {
    const { sink, appended, rejected } = sinkWithSpies();
    const original = originalMonthOrders(2025, 1, 1, 7)[0];
    const lines = [
      line(validOrder(1)),
      line(original),
      Buffer.from('{"order_id":'),
      Buffer.from([0x7b, 0xff, 0x7d]),
      line(validOrder(1)),
      line({ ...validOrder(2), currency: 'JPY', customer: { ...validOrder(2).customer, country: 'JP' } }),
      line(at(Date.UTC(1999, 11, 31, 23, 59, 59))),
      line(at(TEST_NOW + DAY + 1000)),
    ];
    for (const [i, buf] of lines.entries()) feed(sink, buf, i + 1);
    sink.oversized(9, Buffer.from('{"order_id":"x'), 5_000_000);

    expect(appended).toEqual([validOrder(1).order_id, original?.order_id]);
    const id = validOrder(1).order_id;
    expect(rejected.map(({ raw, ...r }) => r)).toEqual([
      { line: 3, reason: 'invalid_json', message: expect.stringMatching(/^\(record\): /) },
      { line: 4, reason: 'invalid_utf8', message: '(record): the record is not valid UTF-8' },
      {
        line: 5,
        reason: 'duplicate_order_id',
        message: `order_id: ${id} was already loaded from an earlier record of this source`,
      },
      {
        line: 6,
        reason: 'fx_rate_missing',
        message: 'currency: no USD rate for JPY in 2025-01 (add it to the FX reference table)',
      },
      {
        line: 7,
        reason: 'timestamp_out_of_range',
        message:
          'order_timestamp: 1999-12-31T23:59:59.000Z is before 2000-01-01 or more than a day after processing',
      },
      {
        line: 8,
        reason: 'timestamp_out_of_range',
        message: `order_timestamp: ${new Date(TEST_NOW + DAY + 1000).toISOString()} is before 2000-01-01 or more than a day after processing`,
      },
      { line: 9, reason: 'oversized_record', message: '(record): 5000000 bytes exceed the per-record limit' },
    ]);
    expect(rejected.map((r) => r.raw)).toEqual([
      '{"order_id":',
      '{\ufffd}',
      ...lines.slice(4).map((b) => b.toString('utf8')),
      '{"order_id":"x',
    ]);
    expect({ read: sink.read, loaded: sink.loaded, byFormat: sink.byFormat }).toEqual({
      read: 9,
      loaded: 2,
      byFormat: { v2: 5, original: 1, unrecognised: 3 },
    });
  });

  it('quarantines an off-calendar date under its field (the contract rule, not the fast path’s bail)', () => {
    const { sink, appended, rejected } = sinkWithSpies();
    const offCalendar = {
      ...validOrder(1),
      customer: { ...validOrder(1).customer, signup_date: '2024-02-30' },
    };
    feed(sink, line(offCalendar), 1);
    expect(appended).toEqual([]);
    expect(rejected.map(({ raw, ...r }) => r)).toEqual([
      { line: 1, reason: 'schema_violation', message: 'customer.signup_date: date is not a real day' },
    ]);
    expect(sink.byFormat).toEqual({ v2: 1, original: 0, unrecognised: 0 });
  });

  it('loads an order exactly at 2000-01-01 and at a day after processing, not a second outside', () => {
    for (const [ms, loads] of [
      [Date.UTC(2000, 0, 1), true],
      [Date.UTC(2000, 0, 1) - 1000, false],
      [TEST_NOW + DAY, true],
      [TEST_NOW + DAY + 1000, false],
    ] as const) {
      const { sink, appended } = sinkWithSpies();
      feed(sink, line(at(ms)), 1);
      expect(appended.length, new Date(ms).toISOString()).toBe(loads ? 1 : 0);
    }
  });
});
