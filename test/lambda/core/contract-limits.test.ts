import { describe, expect, it } from 'vitest';
import { RAW_ORDER_LIMITS, type RawOrder } from '../../../contracts/raw-order.js';
import { FastOrderParser } from '../../../lambda/core/fast-order-parser.js';
import { validateFully } from '../../../lambda/core/full-validation.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { GOLDEN_ORDER } from '../support/orders.js';

const L = RAW_ORDER_LIMITS;

/** A completed, consistent order of `items` one-cent lines and `payments` payments (one paid). */
function order(items: number, payments: number, line: Partial<RawOrder['items'][number]> = {}): RawOrder {
  const lines = Array.from({ length: items }, (_, i) => ({
    ...(GOLDEN_ORDER.items[0] as RawOrder['items'][number]),
    line_number: i + 1,
    quantity: 1,
    unit_price: 0.01,
    discount: 0,
    ...line,
  }));
  const cents = lines.reduce((s, l) => s + l.quantity * Math.round(l.unit_price * 100), 0);
  const total = cents / 100;
  return {
    ...GOLDEN_ORDER,
    items: lines,
    payments: Array.from({ length: payments }, (_, i) => ({
      payment_id: `PAY-${i}`,
      method: 'paypal' as const,
      amount: i === 0 ? total : 0,
      status: i === 0 ? ('paid' as const) : ('failed' as const),
    })),
    shipping_fee: 0,
    tax: 0,
    order_total: total,
  };
}

/** Whether the fast path and the full path (zod) each accept the order. */
function verdicts(o: RawOrder): { fast: boolean; full: boolean } {
  const text = JSON.stringify(o);
  const buf = Buffer.from(text);
  const fast = new FastOrderParser().parse(buf, 0, buf.length, new NormalizedOrder());
  return { fast, full: 'canonical' in validateFully(text) };
}

const both = (accepted: boolean) => ({ fast: accepted, full: accepted });

describe('the fast parser keeps the contract limits (numbers read from the contract)', () => {
  it.each([
    ['items per order', (n: number) => order(n, 1), L.items],
    ['payments per order', (n: number) => order(1, n), L.payments],
    ['line_number', (n: number) => order(1, 1, { line_number: n }), L.lineNumber],
    ['quantity', (n: number) => order(1, 1, { quantity: n }), L.quantity],
    ['product_name length', (n: number) => order(1, 1, { product_name: 'é'.repeat(n) }), L.productName],
  ])('%s: both paths accept min and max, both reject min-1 and max+1', (_, make, range) => {
    expect(verdicts(make(range.max))).toEqual(both(true));
    expect(verdicts(make(range.max + 1))).toEqual(both(false));
    expect(verdicts(make(range.min))).toEqual(both(true));
    if (range.min > 0) expect(verdicts(make(range.min - 1))).toEqual(both(false));
  });

  it('payment_id length: both accept the contract maximum, both reject one more', () => {
    const withId = (n: number) => {
      const o = order(1, 1);
      (o.payments[0] as RawOrder['payments'][number]).payment_id = 'p'.repeat(n);
      return o;
    };
    expect(verdicts(withId(L.paymentId.max))).toEqual(both(true));
    expect(verdicts(withId(L.paymentId.max + 1))).toEqual(both(false));
    expect(verdicts(withId(L.paymentId.min - 1))).toEqual(both(false));
  });

  it.each([
    ['2024-02-29T10:00:00Z', '2024-02-29', true],
    ['2025-02-29T10:00:00Z', '2025-02-29', false],
    ['2024-02-30T10:00:00Z', '2024-02-30', false],
    ['2024-04-31T10:00:00Z', '2024-04-31', false],
    ['2024-13-01T10:00:00Z', '2024-13-01', false],
    ['2024-03-01T24:00:00Z', '2024-00-10', false],
    ['1900-02-29T10:00:00Z', '1900-02-29', false],
    ['2000-02-29T10:00:00Z', '2000-02-29', true],
  ])('calendar: both paths agree on the timestamp %s and the date %s', (ts, day, accepted) => {
    const o = order(1, 1);
    expect(verdicts({ ...o, order_timestamp: ts })).toEqual(both(accepted));
    expect(verdicts({ ...o, customer: { ...o.customer, signup_date: day } })).toEqual(both(accepted));
  });

  it('money: both accept the contract maximum, both reject one cent more', () => {
    expect(verdicts(order(1, 1, { unit_price: L.money.max }))).toEqual(both(true));
    expect(verdicts(order(1, 1, { unit_price: L.money.max + 0.01 }))).toEqual(both(false));
  });
});
