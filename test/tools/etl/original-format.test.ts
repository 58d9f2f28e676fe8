import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromOriginal, originalOrderSchema, recordFormatOf } from '../../../contracts/raw-order-original.js';
import { FastOrderParser } from '../../../lambda/core/fast-order-parser.js';
import { validateFully } from '../../../lambda/core/full-validation.js';
import { ENUMS, NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import { describeProcessed, localEtlFields } from '../../../tools/etl/etl-summary.js';
import { type LocalEtlSummary, runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { tempLake, validOrder } from '../../lambda/support/orders.js';
import { duckRows } from '../../lambda/support/readers.js';
import {
  ORIGINAL_ORDER_COUNT,
  type OriginalOrderRecord,
  originalGeneratorFiles,
} from '../../support/original-generator.js';

/**
 * The original project's generator files (reimplemented in test/support/original-generator.ts):
 * two pretty-printed JSON arrays, Jan–Feb 2025, 1,180 orders, none of them with a status,
 * line_number, shipping, tax or payments array. They must load whole, with the documented defaults.
 */

const FILES = originalGeneratorFiles();
const ORDERS = [...FILES.values()].flatMap((text) => JSON.parse(text) as OriginalOrderRecord[]);
const cents = (amount: number) => Math.round(amount * 100);

let lake: Awaited<ReturnType<typeof tempLake>>;
let summary: LocalEtlSummary;
beforeAll(async () => {
  lake = await tempLake();
  for (const [name, text] of FILES) await lake.store.put(`raw/store_sales/${name}`, text);
  summary = await runLocalEtl({ lake: lake.root });
}, 120_000);
afterAll(() => lake.cleanup());

const facts = (table: string, sql: string) =>
  duckRows(sql.replace('$T', `read_parquet('${lake.root}/processed/store_sales/${table}/*/*/*.parquet')`));

describe("the original generator's files", () => {
  it('are what the notebook wrote: 1,180 orders in two JSON arrays, in the original shape', () => {
    expect(ORIGINAL_ORDER_COUNT).toBe(1180);
    expect(ORDERS).toHaveLength(1180);
    expect([...FILES.keys()]).toEqual(['orders_2025_01.json', 'orders_2025_02.json']);
    for (const text of FILES.values()) expect(text.startsWith('[\n  {')).toBe(true);
    const o = ORDERS[0] as unknown as Record<string, unknown>;
    expect(Object.keys(o)).not.toEqual(expect.arrayContaining(['status']));
    expect(['payments', 'shipping_fee', 'tax'].filter((k) => k in o)).toEqual([]);
    expect(ORDERS.every((x) => x.currency === 'USD' && /^CUST-\d{5}$/.test(x.customer.customer_id))).toBe(
      true,
    );
    expect(ORDERS.every((x) => x.items.length >= 1 && x.items.length <= 5)).toBe(true);
    expect(new Set(ORDERS.flatMap((x) => x.items.map((i) => i.category)))).toEqual(
      new Set(['electronics', 'accessories', 'furniture', 'office_supplies']),
    );
    expect(ORDERS.every((x) => recordFormatOf(x) === 'original')).toBe(true);
  });

  it('load with 0 quarantined, every record counted as the original format', () => {
    expect(summary.failed).toEqual([]);
    expect(
      summary.processed.map((r) => [r.sourceKey, r.format, r.read, r.loaded, r.quarantined, r.byFormat]),
    ).toEqual([
      [
        'raw/store_sales/orders_2025_01.json',
        'json_array',
        600,
        600,
        0,
        { v2: 0, original: 600, unrecognised: 0 },
      ],
      [
        'raw/store_sales/orders_2025_02.json',
        'json_array',
        580,
        580,
        0,
        { v2: 0, original: 580, unrecognised: 0 },
      ],
    ]);
  });

  it('show the records per format in the ops etl summary', () => {
    expect(localEtlFields(summary, lake.root)['records per format']).toBe('original 1,180');
    expect(describeProcessed(summary)[0]).toMatch(
      /orders_2025_01\.json: read 600 \(original 600\), loaded 600/,
    );
  });

  it('get the documented defaults: completed, no shipping or tax, one paid payment of order_total', async () => {
    const rows = await facts(
      'fact_orders',
      `select status, shipping_fee::double as shipping, tax::double as tax, payment_count, count(*)::int as n,
              sum(order_total)::double as total, sum(order_total_usd)::double as usd
       from $T group by all`,
    );
    const total = ORDERS.reduce((s, o) => s + cents(o.order_total), 0) / 100;
    expect(rows).toEqual([
      { status: 'completed', shipping: 0, tax: 0, payment_count: 1, n: 1180, total, usd: total },
    ]);
    const methods = await facts('fact_orders', 'select order_id, payment_method from $T order by order_id');
    const expected = ORDERS.map((o) => ({ order_id: o.order_id, payment_method: o.payment.method }));
    expect(methods).toEqual(expected.sort((a, b) => (a.order_id < b.order_id ? -1 : 1)));
  });

  it('number the lines by array position, currency as given', async () => {
    const rows = await facts(
      'fact_order_items',
      `select order_id, line_number, product_id, category from $T order by order_id, line_number`,
    );
    const expected = ORDERS.flatMap((o) =>
      o.items.map((item, i) => ({
        order_id: o.order_id,
        line_number: i + 1,
        product_id: item.product_id,
        category: item.category,
      })),
    ).sort((a, b) =>
      a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : a.line_number - b.line_number,
    );
    expect(rows).toEqual(expected);
    expect(await facts('fact_orders', 'select distinct currency from $T')).toEqual([{ currency: 'USD' }]);
  });

  it('are normalised alike by the full path (zod + adapter) and the fast parser on the adapted record', () => {
    const parser = new FastOrderParser();
    const viaFull = new NormalizedOrder();
    const viaFast = new NormalizedOrder();
    for (const order of ORDERS) {
      const verdict = validateFully(JSON.stringify(order));
      expect(verdict).toMatchObject({ format: 'original' });
      if (!('canonical' in verdict)) throw new Error(`${order.order_id}: ${verdict.message}`);
      expect(parser.parse(verdict.canonical, 0, verdict.canonical.length, viaFull)).toBe(true);
      // The adapter's output, written as any v2 producer would, goes straight through the fast path.
      const adapted = Buffer.from(JSON.stringify(fromOriginal(originalOrderSchema.parse(order))));
      expect(parser.parse(adapted, 0, adapted.length, viaFast)).toBe(true);
      for (const o of [viaFull, viaFast]) {
        expect([
          o.orderIdText(),
          ENUMS.status[o.status],
          ENUMS.currency[o.currency],
          o.totalCents,
          o.shippingCents + o.taxCents,
          o.itemCount,
          [...o.lineNumber.subarray(0, o.itemCount)],
          o.paymentCount,
          ENUMS.method[o.paymentMethod],
          o.paidCents,
        ]).toEqual([
          order.order_id,
          'completed',
          'USD',
          cents(order.order_total),
          0,
          order.items.length,
          order.items.map((_, i) => i + 1),
          1,
          order.payment.method,
          cents(order.order_total),
        ]);
      }
    }
  });
});

describe('the format of each record', () => {
  let mixed: Awaited<ReturnType<typeof tempLake>>;
  beforeAll(async () => {
    mixed = await tempLake();
  });
  afterAll(() => mixed.cleanup());

  const original = ORDERS[0] as OriginalOrderRecord;
  it('is chosen per record by shape or by an explicit schema_version, and counted', async () => {
    const records = [
      validOrder(1), // v2 by shape
      original, // original by shape
      { ...validOrder(2), schema_version: 2 }, // v2, explicitly
      { ...original, order_id: 'X-1', schema_version: 1, status: 'cancelled' }, // original, explicitly
      { ...original, order_id: 'X-2', schema_version: 2 }, // original shape read as v2: quarantined
      { ...original, order_id: 'X-3', schema_version: 7 }, // no such version: quarantined
      'not json',
    ];
    const text = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
    await mixed.store.put('raw/store_sales/orders_2025_01.json', `${text}\n`);
    const [r] = (await runLocalEtl({ lake: mixed.root })).processed;
    expect(r).toMatchObject({ read: 7, loaded: 4, quarantined: 3 });
    expect(r?.byFormat).toEqual({ v2: 3, original: 2, unrecognised: 2 });
    const rows = await duckRows(
      `select order_id, status from read_parquet('${mixed.root}/processed/store_sales/fact_orders/*/*/*.parquet') order by order_id`,
    );
    expect(rows.map((x) => [x.order_id, x.status])).toEqual(
      [
        [validOrder(1).order_id, 'completed'],
        [original.order_id, 'completed'],
        [validOrder(2).order_id, validOrder(2).status as string],
        ['X-1', 'cancelled'],
      ].sort(),
    );
    const quarantineFile = path.join(mixed.root, 'quarantine', 'store_sales', 'orders_2025_01.jsonl');
    const quarantined = (await readFile(quarantineFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line_number: number; violations: { path: string }[] });
    expect(quarantined.map((q) => [q.line_number, q.violations.map((v) => v.path).sort()])).toEqual([
      [
        5,
        [
          ...original.items.map((_, i) => `items.${i}.line_number`),
          'payments',
          'shipping_fee',
          'status',
          'tax',
        ],
      ],
      [6, ['schema_version']],
      [7, ['(record)']],
    ]);
  });
});
