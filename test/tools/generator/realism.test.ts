import { beforeAll, describe, expect, it } from 'vitest';
import type { RawOrder } from '../../../contracts/raw-order.js';
import { generateMonthOrders } from '../../../tools/generator/index.js';
import { activeByMonth, churnByMonth, cohortRetention, mean, monthOf, shares } from './order-stats.js';

// A moderate dataset (12 x 2,000) keeps these statistical checks to a second or two; the
// tolerances are wide enough for sampling noise at that size and narrow enough to fail on the
// reference project's uniform customers (~93 % churn, flat months).
const spec = { from: '2025-01', months: 12, ordersPerMonth: 2000, seed: 7 };
const orders: RawOrder[] = [];
const byMonth = new Map<string, RawOrder[]>();

beforeAll(() => {
  for (let m = 1; m <= 12; m++) orders.push(...generateMonthOrders(spec, 2025, m));
  for (const o of orders) byMonth.set(monthOf(o), [...(byMonth.get(monthOf(o)) ?? []), o]);
});

const count = (m: string): number => byMonth.get(m)?.length ?? 0;

describe('customers persist across months like real e-commerce customers', () => {
  it('retains 20-40 % of a cohort in its second month, then decays', () => {
    // 2025-01/02 cohorts hold customers acquired before the window (the store opened in 2024).
    const curves = [...cohortRetention(orders, 6)].filter(([m]) => m >= '2025-03').map(([, c]) => c);
    const k1 = curves.filter((c) => c.length > 1).map((c) => c[1] as number);
    const k3 = curves.filter((c) => c.length > 3).map((c) => c[3] as number);
    const k6 = curves.filter((c) => c.length > 6).map((c) => c[6] as number);

    expect(mean(k1)).toBeGreaterThanOrEqual(0.2);
    expect(mean(k1)).toBeLessThanOrEqual(0.4);
    for (const r of k1) expect(r).toBeGreaterThan(0.14);
    expect(mean(k3)).toBeLessThan(mean(k1));
    expect(mean(k6)).toBeLessThan(mean(k3) + 0.02);
    expect(mean(k6)).toBeGreaterThan(0.05);
  });

  it('acquires new customers every month while most active customers are returning ones', () => {
    const active = activeByMonth(orders);
    const seen = new Set<string>();
    for (const m of [...active.keys()].sort()) {
      const ids = [...(active.get(m) as Set<string>)];
      const fresh = ids.filter((id) => !seen.has(id)).length / ids.length;
      if (m > '2025-01') {
        expect(fresh, m).toBeGreaterThan(0.1);
        expect(fresh, m).toBeLessThan(0.6);
      }
      for (const id of ids) seen.add(id);
    }
  });

  it('churns well below the uniform-customer 93 % each month', () => {
    const churn = [...churnByMonth(orders).values()];
    expect(churn).toHaveLength(11);
    for (const c of churn) expect(c).toBeGreaterThan(0.25);
    for (const c of churn) expect(c).toBeLessThan(0.75);
  });
});

describe('time patterns', () => {
  it('peaks in November and December and dips in summer', () => {
    const base = mean(['02', '03', '04', '05', '06', '08', '09'].map((m) => count(`2025-${m}`)));
    expect(count('2025-11')).toBeGreaterThan(1.2 * base);
    expect(count('2025-12')).toBeGreaterThan(1.3 * base);
    expect(count('2025-07')).toBeLessThan(base);
  });

  it('has its busiest November day on Black Friday', () => {
    const days = shares(byMonth.get('2025-11') ?? [], (o) => o.order_timestamp.slice(0, 10));
    const busiest = [...days].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(busiest).toBe('2025-11-28');
  });

  it('sells more on Sunday and Monday than on Friday', () => {
    const weekday = shares(orders, (o) => new Date(o.order_timestamp).getUTCDay());
    expect((weekday.get(0) as number) + (weekday.get(1) as number)).toBeGreaterThan(
      2.15 * (weekday.get(5) as number),
    );
  });

  it('sells in the evening far more than at night (UK customers: local time = UTC)', () => {
    const hours = shares(
      orders.filter((o) => o.customer.country === 'UK'),
      (o) => Number(o.order_timestamp.slice(11, 13)),
    );
    const share = (from: number, to: number) => {
      let s = 0;
      for (let h = from; h <= to; h++) s += hours.get(h) ?? 0;
      return s;
    };
    expect(share(18, 21)).toBeGreaterThan(4 * share(2, 5));
  });
});
