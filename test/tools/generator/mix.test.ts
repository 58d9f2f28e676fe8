import { beforeAll, describe, expect, it } from 'vitest';
import { type RawOrder, toCents } from '../../../contracts/raw-order.js';
import { generateMonthOrders } from '../../../tools/generator/index.js';
import { COUNTRY_CURRENCY } from '../../../tools/generator/markets.js';
import { mean, monthOf, shares } from './order-stats.js';

const spec = { from: '2025-01', months: 12, ordersPerMonth: 2000, seed: 11 };
const orders: RawOrder[] = [];
beforeAll(() => {
  for (let m = 1; m <= 12; m++) orders.push(...generateMonthOrders(spec, 2025, m));
});

/** Approximate USD value of local money, for price-range checks only. */
const PER_USD = { USD: 1, GBP: 0.79, EUR: 0.92, CAD: 1.37, INR: 83 } as const;

describe('who buys', () => {
  it('draws customers mostly from the US, then UK, IN, DE, CA, FR, each paying in its currency', () => {
    const country = shares(orders, (o) => o.customer.country);
    const ranked = [...country].sort((a, b) => b[1] - a[1]);
    expect(ranked[0]?.[0]).toBe('US');
    expect(country.get('US')).toBeGreaterThan(0.3);
    for (const c of ['UK', 'DE', 'FR', 'CA', 'IN'] as const) expect(country.get(c), c).toBeGreaterThan(0.05);
    for (const o of orders)
      expect(o.currency).toBe(COUNTRY_CURRENCY[o.customer.country as keyof typeof COUNTRY_CURRENCY]);
  });

  it('mixes segments and channels, consumers and online first', () => {
    const segment = shares(orders, (o) => o.customer.segment);
    const channel = shares(orders, (o) => o.sales_channel);
    expect(segment.get('consumer')).toBeGreaterThan(0.7);
    expect(segment.get('small_business')).toBeGreaterThan(0.05);
    expect(segment.get('corporate')).toBeGreaterThan(0.02);
    expect(channel.get('online')).toBeGreaterThan(0.45);
    expect(channel.get('mobile_app')).toBeGreaterThan(0.2);
    expect(channel.get('store')).toBeGreaterThan(0.04);
  });

  it('uses synthetic identities only: no names, no e-mail addresses', () => {
    for (const o of orders.slice(0, 2000)) {
      expect(Object.keys(o.customer).sort()).toEqual(['country', 'customer_id', 'segment', 'signup_date']);
    }
    expect(orders.some((o) => JSON.stringify(o).includes('@'))).toBe(false);
  });

  it('signs customers up on or before their order date', () => {
    for (const o of orders) expect(o.customer.signup_date <= o.order_timestamp.slice(0, 10)).toBe(true);
  });
});

describe('what they buy', () => {
  const lines = () =>
    orders.flatMap((o) => o.items.map((i) => ({ ...i, currency: o.currency, month: monthOf(o) })));

  it('sells at least 8 categories and 60 products across realistic price points', () => {
    const all = lines();
    expect(new Set(all.map((l) => l.category)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(all.map((l) => l.product_id)).size).toBeGreaterThanOrEqual(60);
    const usd = all.map((l) => l.unit_price / PER_USD[l.currency as keyof typeof PER_USD]);
    expect(Math.min(...usd)).toBeLessThan(10);
    expect(Math.max(...usd)).toBeGreaterThan(200);
  });

  it('has small baskets, mostly single units, and discounts that rise in November', () => {
    const all = lines();
    expect(mean(orders.map((o) => o.items.length))).toBeGreaterThan(1.5);
    expect(mean(orders.map((o) => o.items.length))).toBeLessThan(2.5);
    expect(all.filter((l) => l.quantity === 1).length / all.length).toBeGreaterThan(0.7);
    const discounted = (m: string) => {
      const ls = all.filter((l) => l.month === m);
      return ls.filter((l) => l.discount > 0).length / ls.length;
    };
    expect(discounted('2025-02')).toBeGreaterThan(0.1);
    expect(discounted('2025-11')).toBeGreaterThan(discounted('2025-02') + 0.1);
  });
});

describe('how orders end and are paid', () => {
  it('completes most orders and cancels or returns some', () => {
    const status = shares(orders, (o) => o.status);
    expect(status.get('completed')).toBeGreaterThan(0.82);
    expect(status.get('completed')).toBeLessThan(0.93);
    expect(status.get('cancelled')).toBeGreaterThan(0.03);
    expect(status.get('returned')).toBeGreaterThan(0.03);
  });

  it('pays with cards, PayPal, wallets and gift-card splits; cancellations show failed payments', () => {
    const methods = new Set(orders.flatMap((o) => o.payments.map((p) => p.method)));
    expect([...methods].sort()).toEqual(['credit_card', 'debit_card', 'gift_card', 'paypal', 'wallet']);
    const completed = orders.filter((o) => o.status === 'completed');
    const splits = completed.filter(
      (o) =>
        o.payments.filter((p) => p.status === 'paid').length > 1 &&
        o.payments.some((p) => p.method === 'gift_card'),
    );
    expect(splits.length / completed.length).toBeGreaterThan(0.005);
    for (const o of splits) {
      expect(o.payments.reduce((s, p) => s + toCents(p.amount), 0)).toBe(toCents(o.order_total));
    }
    const cancelled = orders.filter((o) => o.status === 'cancelled');
    const failed = cancelled.filter((o) => o.payments.some((p) => p.status === 'failed'));
    expect(failed.length / cancelled.length).toBeGreaterThan(0.4);
    expect(cancelled.every((o) => o.payments.every((p) => p.status !== 'paid'))).toBe(true);
  });
});
