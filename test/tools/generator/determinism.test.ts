import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDataset, generateMonthOrders, orderToJsonLine } from '../../../tools/generator/index.js';
import { rawDir, rawFiles, tempLake } from './lake-fixture.js';

const base = { from: '2025-01', months: 3, ordersPerMonth: 1500, seed: 42, force: false };

describe('determinism', () => {
  it('writes byte-identical files for the same flags and seed', async () => {
    const [a, b] = [await tempLake(), await tempLake()];

    await generateDataset({ ...base, lake: a });
    await generateDataset({ ...base, lake: b });

    const [fa, fb] = [await rawFiles(a), await rawFiles(b)];
    expect([...fa.keys()]).toEqual(['orders_2025_01.json', 'orders_2025_02.json', 'orders_2025_03.json']);
    for (const [name, content] of fa) expect(content.equals(fb.get(name) as Buffer), name).toBe(true);
  });

  it('writes the same bytes with worker processes as in one process, and checks existing files there too', async () => {
    const [one, many] = [await tempLake(), await tempLake()];
    const progress: number[] = [];

    const s1 = await generateDataset({ ...base, lake: one, workers: 1 });
    const s3 = await generateDataset({
      ...base,
      lake: many,
      workers: 3,
      onProgress: (n) => progress.push(n),
    });

    const [f1, f3] = [await rawFiles(one), await rawFiles(many)];
    expect([...f3.keys()]).toEqual([...f1.keys()]);
    for (const [name, content] of f1) expect(content.equals(f3.get(name) as Buffer), name).toBe(true);
    // the same summary, but for the worker processes it names: 3 months in 3 of them, whose CPU
    // and peak RSS it reports (a parent's own CPU time leaves theirs out)
    const { workers, workerCpuSeconds, workerMaxRssBytes, ...rest3 } = s3;
    const { workers: inProcess, ...rest1 } = s1;
    expect(rest3).toEqual(rest1);
    expect(inProcess).toBe(0);
    expect(rest1).not.toHaveProperty('workerCpuSeconds');
    expect(workers).toBe(3);
    expect(workerCpuSeconds).toBeGreaterThan(0);
    expect(workerMaxRssBytes).toBeGreaterThan(30e6);
    expect(progress.at(-1)).toBe(s1.orders);
    // Re-running in workers finds every file unchanged; a different seed is refused by a worker's check.
    const again = await generateDataset({ ...base, lake: many, workers: 3 });
    expect(again).toMatchObject({ skipped: 3, workers: 3 });
    expect(again.workerCpuSeconds).toBeGreaterThan(0);
    await expect(generateDataset({ ...base, lake: many, workers: 3, seed: 7 })).rejects.toMatchObject({
      code: 'RAW_EXISTS',
    });
  });

  it('gives the same files for 2025-01 then 2025-02..03 as for 2025-01..03 at once', async () => {
    const [once, split] = [await tempLake(), await tempLake()];

    await generateDataset({ ...base, lake: once });
    await generateDataset({ ...base, lake: split, months: 1 });
    await generateDataset({ ...base, lake: split, from: '2025-02', months: 2 });

    const [fo, fs] = [await rawFiles(once), await rawFiles(split)];
    expect([...fs.keys()]).toEqual([...fo.keys()]);
    for (const [name, content] of fo) expect(content.equals(fs.get(name) as Buffer), name).toBe(true);
  });

  it('gives different data for a different seed', async () => {
    const [a, b] = [await tempLake(), await tempLake()];

    await generateDataset({ ...base, months: 1, lake: a });
    await generateDataset({ ...base, months: 1, lake: b, seed: 43 });

    const [fa, fb] = [await rawFiles(a), await rawFiles(b)];
    expect(fa.get('orders_2025_01.json')?.equals(fb.get('orders_2025_01.json') as Buffer)).toBe(false);
  });

  it('streams the same orders as the file holds, in timestamp order, and re-serialises them to the same bytes', async () => {
    const lake = await tempLake();
    await generateDataset({ ...base, months: 1, lake });

    const text = await readFile(path.join(rawDir(lake), 'orders_2025_01.json'), 'utf8');
    const fromFile = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const streamed = [...generateMonthOrders(base, 2025, 1)];

    expect(fromFile).toEqual(streamed);
    expect(streamed.map(orderToJsonLine).join('')).toBe(text);
    const times = streamed.map((o) => o.order_timestamp);
    expect(times).toEqual([...times].sort());
    expect(times[0]?.startsWith('2025-01-01')).toBe(true);
    expect(times.at(-1)?.startsWith('2025-01-31')).toBe(true);
  });
});
