import { describe, expect, it } from 'vitest';
import { RAW_ORDER_LIMITS, type RawOrder } from '../../../contracts/raw-order.js';
import { FastOrderParser } from '../../../lambda/core/fast-order-parser.js';
import { validateFully } from '../../../lambda/core/full-validation.js';
import { ENUMS, NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { GOLDEN_ORDER } from '../support/orders.js';

// Where the fast parser gives up, and why: `bailReason` becomes the quarantine message when the
// full path has nothing better to say (order-sink.ts), so each reason names the field or rule.
// Every case here is one edit of the golden order (a GBP order of two items and two payments).
const g = GOLDEN_ORDER;
const J = (x: unknown) => JSON.stringify(x);
const item = (line: number, over: Partial<RawOrder['items'][number]> = {}) => ({
  ...(g.items[1] as RawOrder['items'][number]),
  line_number: line,
  ...over,
});
/** The golden order with its items and payments replaced, totals and payments made to add up. */
function withItems(items: RawOrder['items'], payments = 1): RawOrder {
  const cents = (x: number) => Math.round(x * 100);
  const itemCents = items.reduce((s, it) => s + it.quantity * cents(it.unit_price) - cents(it.discount), 0);
  const total = itemCents + cents(g.shipping_fee) + cents(g.tax);
  const each = Math.floor(total / payments);
  return {
    ...g,
    items,
    order_total: total / 100,
    payments: Array.from({ length: payments }, (_, i) => ({
      ...(g.payments[0] as RawOrder['payments'][number]),
      payment_id: `PAY-${i + 1}`,
      amount: (i === 0 ? total - each * (payments - 1) : each) / 100,
    })),
  };
}

function parse(parser: FastOrderParser, text: string): { accepted: boolean; bail: string } {
  const buf = Buffer.from(text);
  const accepted = parser.parse(buf, 0, buf.length, new NormalizedOrder());
  return { accepted, bail: accepted ? '' : parser.bailReason };
}

const { items: ITEMS, payments: PAYMENTS, lineNumber: LINE } = RAW_ORDER_LIMITS;
const { tax: _tax, ...noTax } = g;
const golden = J(g);

describe('the fast parser bails with the reason', () => {
  it.each([
    ['content after the order', `${golden} x`, 'content after the order'],
    ['an array instead of an order', `[${golden}]`, "order: expected '{'"],
    ['a repeated field', golden.replace('{', `{"tax":${g.tax},`), 'order: repeated field'],
    ['a missing field', J(noTax), 'order: missing field'],
    ['an unclosed order', golden.replace(/}$/, ']'), "order: expected ',' or '}'"],
    [
      'a malformed timestamp',
      J({ ...g, order_timestamp: 'x' }),
      'order_timestamp: not an ISO-8601 UTC timestamp',
    ],
    ['an unknown status', J({ ...g, status: 'x' }), 'status: not an allowed value'],
    ['an unknown channel', J({ ...g, sales_channel: 'x' }), 'sales_channel: not an allowed value'],
    ['an unknown currency', J({ ...g, currency: 'XXX' }), 'currency: not an allowed value'],
    ['a shipping fee in quotes', J({ ...g, shipping_fee: '4.99' }), 'shipping_fee: malformed number'],
    ['a tax in quotes', J({ ...g, tax: '7.40' }), 'tax: malformed number'],
    ['a total in quotes', J({ ...g, order_total: '337.89' }), 'order_total: malformed number'],
    ['items that are not an array', J({ ...g, items: {} }), "items: expected '['"],
    ['no items', J({ ...g, items: [] }), 'items: too few'],
    [
      'an unclosed item list',
      golden.replace(/("items":\[.*?\}\])/, (m) => `${m.slice(0, -1)}}`),
      "items: expected ',' or ']'",
    ],
    ['payments that are not an array', J({ ...g, payments: 1 }), "payments: expected '['"],
    ['no payments', J({ ...g, payments: [] }), 'payments: too few'],
    [
      'an unclosed payment list',
      golden.replace(/("payments":\[.*?\}\])/, (m) => `${m.slice(0, -1)}}`),
      "payments: expected ',' or ']'",
    ],
    [
      'a repeated customer field',
      golden.replace('"customer":{', '"customer":{"segment":"consumer",'),
      'customer: repeated field',
    ],
    [
      'a customer without a segment',
      J({ ...g, customer: { ...g.customer, segment: undefined } }),
      'customer: missing field',
    ],
    ['a customer that is not an object', J({ ...g, customer: [] }), "customer: expected '{'"],
    [
      'an empty customer_id',
      J({ ...g, customer: { ...g.customer, customer_id: '' } }),
      'customer_id: bad format',
    ],
    [
      'an unknown country',
      J({ ...g, customer: { ...g.customer, country: 'XX' } }),
      'country: not an allowed value',
    ],
    [
      'an unknown segment',
      J({ ...g, customer: { ...g.customer, segment: 'x' } }),
      'segment: not an allowed value',
    ],
    [
      'a repeated item field',
      golden.replace('"items":[{', '"items":[{"quantity":2,'),
      'item: repeated field',
    ],
    [
      'an item without a discount',
      J({ ...g, items: [{ ...g.items[0], discount: undefined }, g.items[1]] }),
      'item: missing field',
    ],
    ['an item that is not an object', J({ ...g, items: [1] }), "item: expected '{'"],
    [
      'line number 0',
      J({ ...g, items: [{ ...g.items[0], line_number: 0 }, g.items[1]] }),
      'line_number: out of range',
    ],
    [
      'quantity 0',
      J({ ...g, items: [{ ...g.items[0], quantity: 0 }, g.items[1]] }),
      'quantity: out of range',
    ],
    [
      'an empty product_id',
      J({ ...g, items: [{ ...g.items[0], product_id: '' }, g.items[1]] }),
      'product_id: bad format',
    ],
    [
      'a 500-character product name',
      J({ ...g, items: [{ ...g.items[0], product_name: 'x'.repeat(500) }, g.items[1]] }),
      'product_name: length out of range',
    ],
    [
      'a category without a letter or digit',
      J({ ...g, items: [{ ...g.items[0], category: '!!' }, g.items[1]] }),
      'category: needs a letter or digit',
    ],
    [
      'a negative price',
      J({ ...g, items: [{ ...g.items[0], unit_price: -1 }, g.items[1]] }),
      'unit_price: not a money amount',
    ],
    [
      'a repeated payment field',
      golden.replace('"payments":[{', '"payments":[{"amount":1,'),
      'payment: repeated field',
    ],
    [
      'a payment without a status',
      J({ ...g, payments: [{ ...g.payments[0], status: undefined }, g.payments[1]] }),
      'payment: missing field',
    ],
    ['a payment that is not an object', J({ ...g, payments: ['x'] }), "payment: expected '{'"],
    [
      'an unknown payment method',
      J({ ...g, payments: [{ ...g.payments[0], method: 'x' }, g.payments[1]] }),
      'method: not an allowed value',
    ],
    [
      'an unknown payment status',
      J({ ...g, payments: [{ ...g.payments[0], status: 'x' }, g.payments[1]] }),
      'payment status: not an allowed value',
    ],
    [
      'a 500-character payment_id',
      J({ ...g, payments: [{ ...g.payments[0], payment_id: 'x'.repeat(500) }, g.payments[1]] }),
      'payment_id: length out of range',
    ],
    ['a line number twice', J(withItems([item(1), item(1)])), 'items repeat a line_number'],
    [
      'the last line number twice',
      J(withItems([item(LINE.max), item(LINE.max)])),
      'items repeat a line_number',
    ],
    [
      'a discount above the price',
      J({ ...g, items: [g.items[0], { ...g.items[1], discount: 100 }] }),
      'discount exceeds price',
    ],
    ['a total one cent off', J({ ...g, order_total: 337.9 }), 'order_total does not add up'],
    [
      'payments one cent short',
      J({ ...g, payments: [{ ...g.payments[0], amount: 99.99 }, g.payments[1]] }),
      'payments do not add up',
    ],
    [
      'a signup date off the calendar (the contract rule: the full path names the field)',
      J({ ...g, customer: { ...g.customer, signup_date: '2024-02-30' } }),
      'signup_date: not a calendar date',
    ],
  ])('%s', (_, text, bail) => {
    expect(parse(new FastOrderParser(), text)).toEqual({ accepted: false, bail });
    // the full path refuses each of them too (the fast path never rejects a valid order)
    expect(validateFully(text)).toHaveProperty('reason');
  });

  // the full path accepts these (an unknown field is dropped), and the fast path reads its
  // canonical form
  it.each([
    ['an unknown order field', J({ zzz: 1, ...g }), 'order: unexpected field "zzz"'],
    [
      'an unknown customer field',
      J({ ...g, customer: { ...g.customer, zz: 1 } }),
      'customer: unexpected field "zz"',
    ],
  ])('leaves %s to the full path', (_, text, bail) => {
    expect(parse(new FastOrderParser(), text)).toEqual({ accepted: false, bail });
    expect(validateFully(text)).toHaveProperty('canonical');
  });

  it(`at ${ITEMS.max} items and ${PAYMENTS.max} payments it accepts, one more of either it bails`, () => {
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => item(i + 1, { quantity: 1, discount: 0 }));
    const parser = new FastOrderParser();
    expect(parse(parser, J(withItems(lines(ITEMS.max), PAYMENTS.max)))).toEqual({ accepted: true, bail: '' });
    expect(parse(parser, J(withItems(lines(ITEMS.max + 1))))).toEqual({
      accepted: false,
      bail: 'items: too many',
    });
    expect(parse(parser, J(withItems(lines(1), PAYMENTS.max + 1)))).toEqual({
      accepted: false,
      bail: 'payments: too many',
    });
  });

  it('accepts a discount equal to the price (a free line)', () => {
    const text = J(withItems([item(1), item(2, { discount: 37.5 })]));
    expect(parse(new FastOrderParser(), text)).toEqual({ accepted: true, bail: '' });
    expect(validateFully(text)).toHaveProperty('canonical');
  });

  it("takes the largest payment's method, the first on ties, and sums only paid payments", () => {
    const pay = (amount: number, method: string, status = 'paid') => ({
      payment_id: 'P',
      amount,
      method,
      status,
    });
    const read = (payments: unknown[]) => {
      const order = new NormalizedOrder();
      const buf = Buffer.from(J({ ...g, payments }));
      const accepted = new FastOrderParser().parse(buf, 0, buf.length, order);
      return { accepted, method: ENUMS.method[order.paymentMethod], paid: order.paidCents };
    };
    expect(read([pay(168.94, 'paypal'), pay(168.94, 'gift_card'), pay(0.01, 'wallet')])).toEqual({
      accepted: true,
      method: 'paypal',
      paid: 33_789,
    });
    expect(read([pay(0.01, 'wallet'), pay(168.94, 'gift_card'), pay(168.94, 'paypal')])).toEqual({
      accepted: true,
      method: 'gift_card',
      paid: 33_789,
    });
    // a completed order's failed or refunded attempts do not count towards what was paid
    expect(
      read([pay(500, 'paypal', 'failed'), pay(337.89, 'debit_card'), pay(1, 'wallet', 'refunded')]),
    ).toEqual({
      accepted: true,
      method: 'paypal',
      paid: 33_789,
    });
  });

  it('still finds a repeated line number after its record counter wraps around', () => {
    const parser = new FastOrderParser();
    // the counter that marks each record's line numbers without clearing them, near its end
    (parser as unknown as { generation: number }).generation = 0xffff_fffe;
    const repeated = J(withItems([item(1), item(1)]));
    for (let i = 0; i < 3; i++) expect(parse(parser, golden).accepted).toBe(true);
    expect(parse(parser, repeated)).toEqual({ accepted: false, bail: 'items repeat a line_number' });
    expect(parse(parser, golden).accepted).toBe(true);
  });
});
