import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpsError } from '../../../contracts/ops-error.js';
import type { RawOrder } from '../../../contracts/raw-order.js';
import { generateDataset, generateMonthOrders, writeOrdersFile } from '../../../tools/generator/index.js';
import { formatError } from '../../../tools/lib/errors.js';
import { rawDir, rawFiles, tempLake } from './lake-fixture.js';

const base = { from: '2025-01', months: 2, ordersPerMonth: 800, seed: 5, force: false };

describe('generateDataset files', () => {
  it('leaves identical files alone on a re-run and reports them as skipped', async () => {
    const lake = await tempLake();
    const first = await generateDataset({ ...base, lake });
    const before = await stat(path.join(rawDir(lake), 'orders_2025_01.json'));

    const again = await generateDataset({ ...base, lake });

    expect(again).toEqual({ ...first, skipped: 2 });
    expect(first.skipped).toBe(0);
    expect(first.files).toEqual([
      'raw/store_sales/orders_2025_01.json',
      'raw/store_sales/orders_2025_02.json',
    ]);
    const after = await stat(path.join(rawDir(lake), 'orders_2025_01.json'));
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it.each([1, 2])(
    'reports a folder the file system refuses as FILE_SYSTEM with %i worker(s), as the CLI prints it',
    async (workers) => {
      const lake = await tempLake();
      await mkdir(path.dirname(rawDir(lake)), { recursive: true });
      await writeFile(rawDir(lake), 'a file where the raw folder belongs');

      const err = await generateDataset({ ...base, lake, workers }).catch((e: unknown) => e);

      expect(formatError(err)).toMatch(
        /^error \[FILE_SYSTEM\]: .*\n {2}hint: a path that must be a folder is a file/,
      );
    },
  );

  it('refuses to overwrite a file that would change, writing nothing, and names --force', async () => {
    const lake = await tempLake();
    await generateDataset({ ...base, lake, from: '2025-02', months: 1, seed: 6 });
    const other = await rawFiles(lake);

    const attempt = generateDataset({ ...base, lake, months: 3 });

    await expect(attempt).rejects.toBeInstanceOf(OpsError);
    await expect(attempt).rejects.toMatchObject({
      code: 'RAW_EXISTS',
      hint: expect.stringContaining('--force'),
    });
    const files = await rawFiles(lake);
    expect([...files.keys()]).toEqual(['orders_2025_02.json']);
    expect(files.get('orders_2025_02.json')?.equals(other.get('orders_2025_02.json') as Buffer)).toBe(true);
  });

  it('overwrites changed files with --force and leaves no temporary files', async () => {
    const lake = await tempLake();
    await generateDataset({ ...base, lake, seed: 6 });

    const forced = await generateDataset({ ...base, lake, force: true });

    const fresh = await tempLake();
    await generateDataset({ ...base, lake: fresh });
    const [got, want] = [await rawFiles(lake), await rawFiles(fresh)];
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, content] of want) expect(got.get(name)?.equals(content), name).toBe(true);
    expect(forced.skipped).toBe(0);
  });

  it('counts orders and bytes of the files it writes', async () => {
    const lake = await tempLake();

    const summary = await generateDataset({ ...base, lake });

    const files = await rawFiles(lake);
    const bytes = [...files.values()].reduce((s, b) => s + b.length, 0);
    const lines = [...files.values()].reduce((s, b) => s + b.toString('utf8').split('\n').length - 1, 0);
    expect(summary.bytes).toBe(bytes);
    expect(summary.orders).toBe(lines);
  });

  it('reports progress up to the number of orders written', async () => {
    const lake = await tempLake();
    const seen: number[] = [];

    const summary = await generateDataset({ ...base, lake, onProgress: (n) => seen.push(n) });

    expect(seen.at(-1)).toBe(summary.orders);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});

describe('writeOrdersFile', () => {
  it('writes any orders as JSON Lines that read back equal, escaping odd strings', async () => {
    const dir = await tempLake();
    const file = path.join(dir, 'nested', 'orders.jsonl');
    const orders = [...generateMonthOrders({ ...base, months: 1 }, 2025, 1)].slice(0, 50);
    const odd: RawOrder = { ...(orders[0] as RawOrder), order_id: 'ORD-"quoted"\n\\', tax: 1.005 };

    const result = await writeOrdersFile(file, [...orders, odd]);

    const text = await readFile(file, 'utf8');
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([...orders, odd]);
    expect(result).toEqual({ orders: 51, bytes: Buffer.byteLength(text) });
  });

  it('replaces an existing file atomically', async () => {
    const dir = await tempLake();
    const file = path.join(dir, 'orders.jsonl');
    await writeFile(file, 'old content\n');
    const orders = [...generateMonthOrders({ ...base, months: 1 }, 2025, 1)].slice(0, 3);

    await writeOrdersFile(file, orders);

    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(4);
  });
});
