import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeBenchData } from '../../../tools/bench/bench-options.js';

// The etl and duplicates benches generate into <tmp>/store-sales-bench/<part>: removing one
// part's data must not leave the shared folder behind, nor take another part's kept data.
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

let root: string;
afterEach(() => rm(root, { recursive: true, force: true }));

describe('removeBenchData', () => {
  it('removes the data folder and the shared folder once it is empty', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'bench-data-'));
    const data = path.join(root, 'store-sales-bench', 'etl-1000-seed42');
    await mkdir(path.join(data, 'raw'), { recursive: true });
    await writeFile(path.join(data, 'raw', 'orders.json'), '{}\n');

    await removeBenchData(data);

    expect(await exists(path.join(root, 'store-sales-bench'))).toBe(false);
    expect(await exists(root)).toBe(true);
  });

  it("keeps the shared folder while another part's kept data is in it", async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'bench-data-'));
    const shared = path.join(root, 'store-sales-bench');
    await mkdir(path.join(shared, 'etl-1000-seed42'), { recursive: true });
    await mkdir(path.join(shared, 'duplicates-1000-seed42'), { recursive: true });

    await removeBenchData(path.join(shared, 'etl-1000-seed42'));

    expect(await exists(path.join(shared, 'etl-1000-seed42'))).toBe(false);
    expect(await exists(path.join(shared, 'duplicates-1000-seed42'))).toBe(true);
  });
});
