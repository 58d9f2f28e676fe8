import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RawOrder, rawOrderSchema, toCents } from '../../../contracts/raw-order.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { rawDir, tempLake } from './lake-fixture.js';

// Write-then-read: the files as written, parsed by JSON.parse, checked by the ETL's own schema
// and by an independent re-computation of the money rules in integer cents.
const lines: string[] = [];
let orders: RawOrder[] = [];

beforeAll(async () => {
  const lake = await tempLake();
  const summary = await generateDataset({
    lake,
    from: '2025-01',
    months: 12,
    ordersPerMonth: 2000,
    seed: 3,
    force: false,
  });
  for (const key of summary.files) {
    const text = await readFile(path.join(lake, key), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    lines.push(...text.slice(0, -1).split('\n'));
  }
  expect(path.dirname(path.join(lake, summary.files[0] as string))).toBe(rawDir(lake));
  orders = lines.map((l) => JSON.parse(l));
  expect(summary.orders).toBe(orders.length);
});

const MONEY = /"(unit_price|discount|amount|shipping_fee|tax|order_total)":([^,}]+)/g;

describe('raw contract', () => {
  it('writes every order valid against the zod contract', () => {
    const invalid = orders.filter((o) => !rawOrderSchema.safeParse(o).success);
    expect(invalid).toEqual([]);
    expect(orders.length).toBeGreaterThan(20_000);
  });

  it('writes every money field with exactly two decimals', () => {
    const bad = lines.flatMap((l) =>
      [...l.matchAll(MONEY)].filter((m) => !/^\d+\.\d{2}$/.test(m[2] as string)),
    );
    expect(bad).toEqual([]);
  });

  it('keeps money invariants to the cent', () => {
    const broken = lines.filter((line, i) => {
      const o = orders[i] as RawOrder;
      // Cents straight from the text, never through floating point.
      const text = new Map<string, number[]>();
      for (const [, field, value] of line.matchAll(MONEY)) {
        text.set(field as string, [
          ...(text.get(field as string) ?? []),
          Number((value as string).replace('.', '')),
        ]);
      }
      const at = (field: string, j = 0) => text.get(field)?.[j] as number;
      let goods = 0;
      for (const [j, item] of o.items.entries()) {
        const gross = item.quantity * at('unit_price', j);
        if (at('discount', j) > gross) return true;
        goods += gross - at('discount', j);
      }
      const total = at('order_total');
      if (goods + at('shipping_fee') + at('tax') !== total) return true;
      const paid = o.payments.reduce((s, p, j) => s + (p.status === 'paid' ? at('amount', j) : 0), 0);
      return o.status === 'completed' ? paid !== total : paid !== 0;
    });
    expect(broken).toEqual([]);
    expect(toCents(orders[0]?.order_total as number)).toBeGreaterThan(0);
  });

  it('gives unique, well-formed order ids dated by their timestamp, and unique payment ids', () => {
    const ids = orders.map((o) => o.order_id);
    expect(new Set(ids).size).toBe(ids.length);
    const misdated = orders.filter(
      (o) => o.order_id.slice(4, 12) !== o.order_timestamp.slice(0, 10).replaceAll('-', ''),
    );
    expect(misdated).toEqual([]);
    const payments = orders.flatMap((o) => o.payments.map((p) => p.payment_id));
    expect(new Set(payments).size).toBe(payments.length);
  });

  it('keeps a customer the same in every order (country, segment, signup date)', () => {
    const seen = new Map<string, string>();
    const changed = orders.filter((o) => {
      const c = o.customer;
      const traits = `${c.country}|${c.segment}|${c.signup_date}`;
      const before = seen.get(c.customer_id);
      seen.set(c.customer_id, traits);
      return before !== undefined && before !== traits;
    });
    expect(changed).toEqual([]);
  });
});
