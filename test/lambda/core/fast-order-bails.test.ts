import { describe, expect, it } from 'vitest';
import { RAW_ORDER_LIMITS, type RawOrder } from '../../../contracts/raw-order.js';
import { FastOrderParser } from '../../../lambda/core/fast-order-parser.js';
import { validateFully } from '../../../lambda/core/full-validation.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
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
  ])('%s', (_, text, bail) => {
    expect(parse(new FastOrderParser(), text)).toEqual({ accepted: false, bail });
    // the full path refuses each of them too (the fast path never rejects a valid order)
    expect(validateFully(text)).toHaveProperty('reason');
  });

  it('leaves an order with a field the contract does not know to the full path, which accepts it', () => {
    const text = J({ zzz: 1, ...g });
    expect(parse(new FastOrderParser(), text)).toEqual({
      accepted: false,
      bail: 'order: unexpected field "zzz"',
    });
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
