import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuarantineReason } from '../../../lambda/core/full-validation.js';
import { QUARANTINE_REASONS } from '../../../lambda/core/full-validation.js';
import { ENUMS } from '../../../lambda/core/normalized-order.js';
import { OrderSink } from '../../../lambda/core/order-sink.js';
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
