import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore, PutBody } from '../../../lambda/core/object-store.js';
import { processSource } from '../../../lambda/core/process-source.js';
import type { QuarantineRecord } from '../../../lambda/core/quarantine-writer.js';
import { fileHashes } from '../support/lake-files.js';
import { GOLDEN_ORDER, jsonLines, TEST_NOW, tempLake, validOrder } from '../support/orders.js';
import { duckRows } from '../support/readers.js';

const JAN = 'raw/store_sales/orders_2025_01.json';
const FEB = 'raw/store_sales/orders_2025_02.json';
const opts = { now: () => TEST_NOW, encoderThread: false };
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(() => lake.cleanup());

const orderCount = async (where = '') =>
  (
    await duckRows(
      `select count(*)::int as n from read_parquet('${lake.root}/processed/store_sales/fact_orders/*/*/*.parquet') ${where}`,
    )
  )[0]?.n;
const quarantined = async (stem: string): Promise<QuarantineRecord[]> =>
  (await readFile(`${lake.root}/quarantine/store_sales/${stem}.jsonl`, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as QuarantineRecord);

describe('processSource', () => {
  it('loads valid records beside bad ones, quarantines each bad one with its reason, and reconciles', async () => {
    const o = (i: number) => validOrder(i);
    const records: (ReturnType<typeof validOrder> | string)[] = [
      o(1),
      '{"order_id": "ORD-2025', // 2: invalid_json
      { ...o(3), status: 'lost' } as never, // 3: schema_violation
      { ...o(4), currency: 'JPY' }, // 4: fx_rate_missing (the shipped table has no JPY)
      { ...o(5), order_total: o(5).order_total + 1 }, // 5: money_mismatch
      { ...o(13), payments: [{ ...o(13).payments[0]!, amount: 1 }] }, // 6: payment_mismatch (o(13) is completed)
      { ...o(7), items: [o(7).items[0]!, { ...o(7).items[0]! }] }, // 7: duplicate_line_number
      o(1), // 8: duplicate_order_id
      { ...o(9), order_timestamp: '1999-12-31T23:59:59Z' }, // 9: timestamp_out_of_range (past)
      { ...o(10), order_timestamp: '2025-07-02T00:00:00Z' }, // 10: timestamp_out_of_range (future)
      '', // 11: blank line, not a record
      o(12),
    ];
    await lake.store.put(JAN, jsonLines(records));

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({ status: 'ok', format: 'jsonl', read: 11, loaded: 2, quarantined: 9 });
    expect(result.read).toBe(result.loaded + result.quarantined);
    expect(result.byReason).toEqual({
      invalid_json: 1,
      schema_violation: 1,
      fx_rate_missing: 1,
      money_mismatch: 1,
      payment_mismatch: 1,
      duplicate_line_number: 1,
      duplicate_order_id: 1,
      timestamp_out_of_range: 2,
    });
    expect(await orderCount()).toBe(2);
    const q = await quarantined('orders_2025_01');
    expect(q.map((r) => [r.line_number, r.reason])).toEqual([
      [2, 'invalid_json'],
      [3, 'schema_violation'],
      [4, 'fx_rate_missing'],
      [5, 'money_mismatch'],
      [6, 'payment_mismatch'],
      [7, 'duplicate_line_number'],
      [8, 'duplicate_order_id'],
      [9, 'timestamp_out_of_range'],
      [10, 'timestamp_out_of_range'],
    ]);
    expect(q[0]).toMatchObject({ source_key: JAN, raw: '{"order_id": "ORD-2025' });
    expect(q[1]?.message).toMatch(/^status: /);
  });

  it('quarantines a record over the size limit as oversized, keeping only its head', async () => {
    const big = { ...validOrder(1), items: [{ ...validOrder(1).items[0]!, product_name: 'x'.repeat(180) }] };
    await lake.store.put(JAN, jsonLines([validOrder(2), JSON.stringify(big).padEnd(3000, ' ')]));

    const result = await processSource(lake.store, JAN, { ...opts, maxRecordBytes: 2048 });

    expect(result).toMatchObject({ read: 2, loaded: 1, quarantined: 1, byReason: { oversized_record: 1 } });
    const [record] = await quarantined('orders_2025_01');
    expect(record).toMatchObject({
      line_number: 2,
      reason: 'oversized_record',
      raw_truncated: true,
      raw_bytes: 3000,
    });
    expect(record?.raw.length).toBe(1024);
  });

  it('reads a file holding one JSON array like the same orders as JSON Lines', async () => {
    const orders = [GOLDEN_ORDER, validOrder(1), validOrder(2)];
    await lake.store.put(JAN, JSON.stringify(orders, null, 2));

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({ format: 'json_array', read: 3, loaded: 3, quarantined: 0 });
    expect(await orderCount()).toBe(3);
  });

  it('loads JSON Lines whose first line was cut at the front, quarantining only that line', async () => {
    const lines = jsonLines([validOrder(1), validOrder(2), validOrder(3)]);
    await lake.store.put(JAN, lines.slice(lines.indexOf('"order_timestamp"')));

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({ status: 'ok', format: 'jsonl', read: 3, loaded: 2, quarantined: 1 });
    expect(await orderCount()).toBe(2);
    expect(await quarantined('orders_2025_01')).toMatchObject([{ line_number: 1, reason: 'invalid_json' }]);
  });

  it('quarantines a file that is not JSON as a whole, reports failure and keeps the last good outputs', async () => {
    await lake.store.put(JAN, jsonLines([validOrder(1)]));
    await processSource(lake.store, JAN, opts);
    const goodFacts = await fileHashes(lake.root, 'processed');
    await lake.store.put(JAN, 'order_id,total\nORD-1,10.00\n');

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({
      status: 'failed',
      format: 'not_json',
      read: 1,
      loaded: 0,
      quarantined: 1,
    });
    expect(result.failure).toBe(
      'not_json_file: the file is neither JSON Lines nor a JSON array (starts with bytes 6f726465)',
    );
    expect(result.removed).toEqual([]);
    expect(Object.keys(goodFacts)).toHaveLength(2);
    expect(await fileHashes(lake.root, 'processed')).toEqual(goodFacts);
    const [reject] = await quarantined('orders_2025_01');
    expect(reject).toMatchObject({
      line_number: 0,
      reason: 'not_json_file',
      message: '(file): the file is neither JSON Lines nor a JSON array (starts with bytes 6f726465)',
      raw: 'order_id,total\nORD-1,10.00\n',
    });
    // the whole file is in `raw`: nothing was cut
    expect(reject).not.toHaveProperty('raw_truncated');
    expect(reject).not.toHaveProperty('raw_bytes');

    const long = `order_id,total\n${'ORD-1,10.00\n'.repeat(1000)}`;
    await lake.store.put(JAN, long);
    await processSource(lake.store, JAN, opts);
    const [cut] = await quarantined('orders_2025_01');
    expect(cut).toMatchObject({ reason: 'not_json_file', raw_truncated: true, raw_bytes: long.length });
    expect(cut?.raw.length).toBeLessThan(long.length);
  });

  it.each([
    ['UTF-16LE with a byte-order mark', 'utf16le', true, 'fffe7b00'],
    ['UTF-16LE without one', 'utf16le', false, '7b002200'],
    ['UTF-16BE without one', 'utf16be', false, '007b0022'],
    ['a UTF-16LE JSON array without one', 'utf16le-array', false, '5b007b00'],
  ])(
    'refuses %s as one not_json_file record that says to save it as UTF-8',
    async (_, encoding, bom, bytes) => {
      const text = `${bom ? '\ufeff' : ''}${encoding.endsWith('array') ? JSON.stringify([validOrder(1)]) : jsonLines([validOrder(1), validOrder(2)])}`;
      const le = Buffer.from(text, 'utf16le');
      await lake.store.put(JAN, encoding === 'utf16be' ? Buffer.from(le).swap16() : le);

      const result = await processSource(lake.store, JAN, opts);

      expect(result).toMatchObject({
        status: 'failed',
        read: 1,
        loaded: 0,
        quarantined: 1,
        byReason: { not_json_file: 1 },
      });
      expect(result.failure).toBe(
        `not_json_file: the file is neither JSON Lines nor a JSON array (starts with bytes ${bytes}); it looks like UTF-16 text: save it as UTF-8`,
      );
    },
  );

  it('fails a JSON array whose structure is broken as a whole, keeping the last good facts and quarantine', async () => {
    await lake.store.put(JAN, JSON.stringify([validOrder(1), validOrder(2), validOrder(3)]));
    await processSource(lake.store, JAN, opts);
    const good = await fileHashes(lake.root, 'processed');
    const orders = Array.from({ length: 50 }, (_, i) => JSON.stringify(validOrder(i + 10)));
    // element 2 loses its last `}`: before the fix, the rest was one element and January 1 order
    const broken = [orders[0], orders[1]!.slice(0, -1), ...orders.slice(2)];
    const text = `[\n${broken.join(',\n')}\n]\n`;
    const from = text.indexOf(orders[1]!.slice(0, -1));
    await lake.store.put(JAN, text);

    const result = await processSource(lake.store, JAN, opts);

    expect(result).toMatchObject({
      status: 'failed',
      format: 'json_array',
      read: 1,
      loaded: 0,
      quarantined: 1,
      byReason: { malformed_json_array: 1 },
      files: [],
      removed: [],
    });
    const why = `the JSON array is malformed: element 2 (from byte ${from.toLocaleString('en-US')}, line 3) is not closed where it should be: the \`]\` at byte ${(text.length - 2).toLocaleString('en-US')}, line 52 closes a \`{\``;
    expect(result.failure).toContain(`malformed_json_array: ${why}`);
    expect(await fileHashes(lake.root, 'processed')).toEqual(good);
    expect(await orderCount()).toBe(3);
    expect(await quarantined('orders_2025_01')).toEqual([
      {
        source_key: JAN,
        line_number: 0,
        reason: 'malformed_json_array',
        message: expect.stringContaining(`(file): ${why}`),
        violations: [expect.objectContaining({ reason: 'malformed_json_array', path: '(file)' })],
        raw: '',
      },
    ]);

    // cut short (no `]`), a missing comma, an empty element: the same, each with its reason
    for (const [bad, message] of [
      [`[${orders.slice(0, 2).join(',')}`, /element 2 \(from byte [\d,]+, line 1\) without the closing `\]`/],
      [
        `[${orders[0]} ${orders[1]}]`,
        /element 2 \(from byte [\d,]+, line 1\) follows element 1 without a comma/,
      ],
      [
        `[${orders[0]},,${orders[1]}]`,
        /an element is missing at byte [\d,]+, line 1, after element 1: two commas/,
      ],
    ] as const) {
      await lake.store.put(JAN, bad);
      const again = await processSource(lake.store, JAN, opts);
      expect(again, bad.slice(0, 40)).toMatchObject({ status: 'failed', loaded: 0, files: [] });
      expect(again.failure).toMatch(message);
      expect(await fileHashes(lake.root, 'processed')).toEqual(good);
    }
  });

  it('fails an empty or blank file, keeping the last good facts; `[]` is a month without orders', async () => {
    await lake.store.put(JAN, jsonLines([validOrder(1), validOrder(2)]));
    await processSource(lake.store, JAN, opts);
    const good = await fileHashes(lake.root, 'processed');

    for (const [empty, what] of [
      ['', 'is empty (0 bytes)'],
      ['\ufeff \n\t\r\n', 'holds only whitespace (8 bytes)'],
    ] as const) {
      await lake.store.put(JAN, empty);
      const result = await processSource(lake.store, JAN, opts);
      expect(result).toMatchObject({
        status: 'failed',
        format: 'empty',
        read: 1,
        loaded: 0,
        quarantined: 1,
        byReason: { empty_file: 1 },
        removed: [],
      });
      expect(result.failure).toBe(
        `empty_file: the file ${what}: the month keeps its previous facts (to remove a month, delete its raw file; a month without orders is \`[]\`)`,
      );
      expect(await fileHashes(lake.root, 'processed')).toEqual(good);
      expect(await quarantined('orders_2025_01')).toMatchObject([
        { line_number: 0, reason: 'empty_file', raw: '' },
      ]);
    }

    await lake.store.put(JAN, '[]\n');
    const none = await processSource(lake.store, JAN, opts);
    expect(none).toMatchObject({ status: 'ok', format: 'json_array', read: 0, loaded: 0, files: [] });
    expect(none.removed).toHaveLength(2);
    expect(await fileHashes(lake.root, 'processed')).toEqual({});
    expect(await lake.store.head('quarantine/store_sales/orders_2025_01.jsonl')).toBeUndefined();
  });

  it('is idempotent: a second run leaves the same files with the same content', async () => {
    await lake.store.put(
      JAN,
      jsonLines([...Array.from({ length: 50 }, (_, i) => validOrder(i)), 'not json']),
    );

    await processSource(lake.store, JAN, opts);
    const first = await fileHashes(lake.root);
    await processSource(lake.store, JAN, opts);
    const second = await fileHashes(lake.root);

    expect(Object.keys(first)).toHaveLength(4); // raw, 2 Parquet files, quarantine
    expect(second).toEqual(first);
  });

  it('replaces only the changed source files, removing it from partitions it no longer feeds', async () => {
    const janAndFeb = [validOrder(1, 2025, 1), validOrder(2, 2025, 2)];
    await lake.store.put(JAN, jsonLines(janAndFeb));
    await lake.store.put(FEB, jsonLines([validOrder(3, 2025, 2)]));
    await processSource(lake.store, JAN, opts);
    await processSource(lake.store, FEB, opts);
    const before = await fileHashes(lake.root, 'processed');

    await lake.store.put(JAN, jsonLines([validOrder(1, 2025, 1), validOrder(4, 2025, 1)]));
    const result = await processSource(lake.store, JAN, opts);
    const after = await fileHashes(lake.root, 'processed');

    const feb = (t: string, stem: string) =>
      `processed/store_sales/${t}/order_year=2025/order_month=02/part-${stem}.parquet`;
    expect(result.removed.sort()).toEqual([
      feb('fact_order_items', 'orders_2025_01'),
      feb('fact_orders', 'orders_2025_01'),
    ]);
    expect(after[feb('fact_orders', 'orders_2025_02')]).toBe(before[feb('fact_orders', 'orders_2025_02')]);
    expect(after[feb('fact_order_items', 'orders_2025_02')]).toBe(
      before[feb('fact_order_items', 'orders_2025_02')],
    );
    expect(Object.keys(after)).toHaveLength(4);
    expect(await orderCount("where source_file like '%2025_01%'")).toBe(2);
  });

  it('leaves no partial file visible and the previous outputs intact when publishing fails midway', async () => {
    await lake.store.put(JAN, jsonLines([validOrder(1), validOrder(2)]));
    await processSource(lake.store, JAN, opts);
    const before = await fileHashes(lake.root);
    await lake.store.put(JAN, jsonLines([validOrder(5), validOrder(6), validOrder(7)]));
    const rawNow = (await fileHashes(lake.root, 'raw'))['raw/store_sales/orders_2025_01.json'];
    let puts = 0;
    const failing: ObjectStore = Object.create(lake.store, {
      put: {
        value: async (key: string, body: PutBody) => {
          if (++puts === 2) throw new Error('disk full (injected)');
          return lake.store.put(key, body);
        },
      },
    });

    await expect(processSource(failing, JAN, opts)).rejects.toThrow('disk full');

    const after = await fileHashes(lake.root);
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    // The first put replaced one Parquet file atomically; nothing else changed, nothing half-written.
    expect(changed.sort()).toEqual([
      'processed/store_sales/fact_order_items/order_year=2025/order_month=01/part-orders_2025_01.parquet',
      'raw/store_sales/orders_2025_01.json',
    ]);
    expect(after['raw/store_sales/orders_2025_01.json']).toBe(rawNow);
    expect(Object.keys(after).filter((k) => k.split('/').some((p) => p.startsWith('.')))).toEqual([]);
  });

  it('names partitions with zero-padded string values', async () => {
    await lake.store.put(JAN, jsonLines([validOrder(1, 2024, 3), validOrder(2, 2024, 11)]));

    const result = await processSource(lake.store, JAN, opts);

    expect(result.partitions).toEqual(['2024-03', '2024-11']);
    expect(Object.keys(await fileHashes(lake.root, 'processed')).sort()).toEqual([
      'processed/store_sales/fact_order_items/order_year=2024/order_month=03/part-orders_2025_01.parquet',
      'processed/store_sales/fact_order_items/order_year=2024/order_month=11/part-orders_2025_01.parquet',
      'processed/store_sales/fact_orders/order_year=2024/order_month=03/part-orders_2025_01.parquet',
      'processed/store_sales/fact_orders/order_year=2024/order_month=11/part-orders_2025_01.parquet',
    ]);
  });

  it('gives the same files whether Parquet is encoded in a worker thread or in-line', async () => {
    await lake.store.put(JAN, jsonLines(Array.from({ length: 300 }, (_, i) => validOrder(i))));

    await processSource(lake.store, JAN, { ...opts, encoderThread: true });
    const threaded = await fileHashes(lake.root, 'processed');
    await processSource(lake.store, JAN, { ...opts, encoderThread: false });

    expect(await fileHashes(lake.root, 'processed')).toEqual(threaded);
  });
});
