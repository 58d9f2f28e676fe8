import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../tools/generator/index.js';
import { fileHashes } from '../../lambda/support/lake-files.js';
import { tempLake } from '../../lambda/support/orders.js';
import { duckRows } from '../../lambda/support/readers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ops = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'tools/ops.ts', ...args], { cwd: root, encoding: 'utf8' });

let lake: Awaited<ReturnType<typeof tempLake>>;
beforeAll(async () => {
  lake = await tempLake();
  await generateDataset({
    lake: lake.root,
    from: '2025-01',
    months: 2,
    ordersPerMonth: 400,
    seed: 7,
    force: false,
  });
});
afterAll(() => lake.cleanup());

describe('ops etl (end to end on a generated lake)', () => {
  it('loads every generated order', async () => {
    const first = ops('etl', '--lake', lake.root);

    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/etl: 2 file\(s\) processed, 0 unchanged/);
    expect(first.stdout).toMatch(/quarantined\s+0\n/);
    const [row] = await duckRows(`
      select count(*)::int as orders, count(distinct order_month)::int as months
      from read_parquet('${lake.root}/processed/store_sales/fact_orders/*/*/*.parquet', hive_partitioning = true)`);
    const loaded = Number(/loaded\s+([\d,]+)/.exec(first.stdout)?.[1]?.replace(/,/g, ''));
    expect(row).toEqual({ orders: loaded, months: 2 });
  });

  it('with --retry-quarantine and no future-dated rejects due, re-runs nothing', () => {
    const retry = ops('etl', '--lake', lake.root, '--retry-quarantine');

    expect(retry.status, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(/etl: 0 file\(s\) processed, 2 unchanged/);
    expect(retry.stdout).not.toMatch(/re-run for future-dated/);
  });

  it('then skips the unchanged files, and exits non-zero with a hint for a raw file that is not JSON', () => {
    writeFileSync(`${lake.root}/raw/store_sales/orders_2025_03.json`, 'id,total\n');

    const second = ops('etl', '--lake', lake.root);

    expect(second.status).toBe(1);
    expect(second.stdout).toMatch(/etl: 1 file\(s\) processed, 2 unchanged/);
    expect(second.stderr).toMatch(
      /error \[ETL_FAILED\]: 1 file\(s\) failed: raw\/store_sales\/orders_2025_03.json/,
    );
    expect(second.stderr).toMatch(
      /hint: see quarantine\/store_sales\/orders_2025_03\.jsonl; fix or remove the raw file, then run/,
    );
  });

  it('names no quarantine file for files refused unread (two with the same base name)', () => {
    writeFileSync(`${lake.root}/raw/store_sales/orders_2025_03.json`, '');
    writeFileSync(`${lake.root}/raw/store_sales/orders_2025_03.ndjson`, '');

    const clash = ops('etl', '--lake', lake.root);

    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/share the name "orders_2025_03"/);
    expect(clash.stderr).toMatch(/hint: fix or remove the raw files, then run/);
    expect(clash.stderr).not.toMatch(/hint: see/);
  });

  it('exits 1 and keeps the month for a re-upload that is a broken JSON array, or empty', async () => {
    rmSync(`${lake.root}/raw/store_sales/orders_2025_03.json`);
    rmSync(`${lake.root}/raw/store_sales/orders_2025_03.ndjson`);
    const feb = `${lake.root}/raw/store_sales/orders_2025_02.json`;
    const original = readFileSync(feb);
    const facts = () =>
      fileHashes(lake.root, 'processed/store_sales/fact_orders/order_year=2025/order_month=02');
    expect(ops('etl', '--lake', lake.root).status).toBe(0);
    const before = await facts();
    expect(Object.keys(before)).toHaveLength(1);
    // the month as one JSON array, element 2 without its last `}`
    const orders = original.toString('utf8').trim().split('\n');
    orders[1] = orders[1]!.slice(0, -1);
    const broken = `[\n${orders.join(',\n')}\n]\n`;
    const from = broken.indexOf(orders[1]!);

    for (const [body, message] of [
      [
        broken,
        `malformed_json_array: the JSON array is malformed: element 2 (from byte ${from.toLocaleString('en-US')}, line 3) is not closed where it should be`,
      ],
      [
        '',
        'empty_file: the file is empty (0 bytes): the month keeps its previous facts (to remove a month, delete its raw file',
      ],
    ] as const) {
      writeFileSync(feb, body);
      const run = ops('etl', '--lake', lake.root);

      expect(run.status, run.stderr).toBe(1);
      expect(run.stdout).toMatch(/etl: 1 file\(s\) processed, 1 unchanged/);
      expect(run.stderr).toContain(
        `error [ETL_FAILED]: 1 file(s) failed: raw/store_sales/orders_2025_02.json: ${message}`,
      );
      expect(run.stderr).toMatch(
        /hint: see quarantine\/store_sales\/orders_2025_02\.jsonl; fix or remove the raw file/,
      );
      expect(await facts()).toEqual(before);
    }

    writeFileSync(feb, original);
    const fixed = ops('etl', '--lake', lake.root);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(await facts()).toEqual(before);
  });
});
