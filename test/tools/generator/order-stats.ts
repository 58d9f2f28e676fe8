import type { RawOrder } from '../../../contracts/raw-order.js';

/**
 * Independent re-computation, for the realism tests, of the README's metric definitions over
 * raw orders: active = at least one completed order in the month; cohort = month of the first
 * completed order; retention(k) = cohort members active in cohort + k / cohort size.
 */

/** `'2025-01'` of an order. */
export const monthOf = (o: RawOrder): string => o.order_timestamp.slice(0, 7);

const addMonths = (ym: string, k: number): string => {
  const i = Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1 + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

/** Customers active (completed order) per month. */
export function activeByMonth(orders: readonly RawOrder[]): Map<string, Set<string>> {
  const active = new Map<string, Set<string>>();
  for (const o of orders) {
    if (o.status !== 'completed') continue;
    const m = monthOf(o);
    if (!active.has(m)) active.set(m, new Set());
    active.get(m)?.add(o.customer.customer_id);
  }
  return active;
}

/** Retention(k) per cohort month, only where month cohort + k is in the data. */
export function cohortRetention(orders: readonly RawOrder[], maxK: number): Map<string, number[]> {
  const active = activeByMonth(orders);
  const months = [...active.keys()].sort();
  const cohortOf = new Map<string, string>();
  for (const m of months) for (const c of active.get(m) ?? []) if (!cohortOf.has(c)) cohortOf.set(c, m);
  const members = new Map<string, string[]>();
  for (const [c, m] of cohortOf) members.set(m, [...(members.get(m) ?? []), c]);
  const out = new Map<string, number[]>();
  for (const [m, ids] of members) {
    const curve: number[] = [];
    for (let k = 0; k <= maxK && active.has(addMonths(m, k)); k++) {
      const later = active.get(addMonths(m, k)) as Set<string>;
      curve.push(ids.filter((id) => later.has(id)).length / ids.length);
    }
    out.set(m, curve);
  }
  return out;
}

/** Churn per month: active in m and not in m + 1, over active in m (months with a next month). */
export function churnByMonth(orders: readonly RawOrder[]): Map<string, number> {
  const active = activeByMonth(orders);
  const out = new Map<string, number>();
  for (const [m, ids] of active) {
    const next = active.get(addMonths(m, 1));
    if (!next) continue;
    out.set(m, [...ids].filter((id) => !next.has(id)).length / ids.size);
  }
  return out;
}

/** Count of `key(o)` values as shares of all orders. */
export function shares<K>(orders: readonly RawOrder[], key: (o: RawOrder) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const o of orders) counts.set(key(o), (counts.get(key(o)) ?? 0) + 1);
  return new Map([...counts].map(([k, n]) => [k, n / orders.length]));
}

export const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
