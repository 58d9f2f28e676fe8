import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleLambda } from '../../lambda/build.js';
import type { createS3EventHandler } from '../../lambda/s3-event-handler.js';
import { jsonLines, TEST_NOW, tempLake, validOrder } from './support/orders.js';
import { duckRows } from './support/readers.js';

let dir: Awaited<ReturnType<typeof tempLake>>;
let bundle: { entry: string; bytes: number };
beforeAll(async () => {
  dir = await tempLake();
  bundle = await bundleLambda(path.join(dir.root, 'dist'));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await dir.cleanup();
});

describe('bundleLambda', () => {
  it('writes index.mjs, the encoder thread and the WebAssembly module side by side', async () => {
    expect(path.basename(bundle.entry)).toBe('index.mjs');
    expect((await readdir(path.dirname(bundle.entry))).sort()).toEqual([
      'index.mjs',
      'parquet-worker.mjs',
      'parquet_wasm_bg.wasm',
    ]);
    expect(bundle.bytes).toBeGreaterThan(4_000_000);
  });

  it('gives a bundle that loads on its own and runs the ETL on a local fixture', async () => {
    vi.stubEnv('PROCESSED_BUCKET', 'processed');
    vi.stubEnv('QUARANTINE_BUCKET', 'quarantine');
    const lake = await tempLake();
    try {
      await lake.store.put(
        'raw/store_sales/orders_2025_01.json',
        jsonLines([validOrder(1), validOrder(2), 'oops']),
      );
      // Run from a copy outside the repository: nothing may resolve from node_modules.
      const mod = (await import(pathToFileURL(bundle.entry).href)) as {
        handler: unknown;
        createS3EventHandler: typeof createS3EventHandler;
      };
      expect(typeof mod.handler).toBe('function');
      const handler = mod.createS3EventHandler({
        storeFor: () => lake.store,
        processed: lake.store,
        quarantine: lake.store,
        log: { info: () => undefined, error: () => undefined },
        // The encoder thread runs parquet-worker.mjs from the bundle folder.
        options: { now: () => TEST_NOW, encoderThread: true, tmpDir: os.tmpdir() },
      });

      const summary = await handler({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: 'raw' }, object: { key: 'raw/store_sales/orders_2025_01.json' } },
          },
        ],
      } as never);

      expect(summary.results[0]).toMatchObject({ read: 3, loaded: 2, quarantined: 1 });
      const [row] = await duckRows(
        `select count(*)::int as n from read_parquet('${lake.root}/processed/store_sales/fact_orders/*/*/*.parquet')`,
      );
      expect(row?.n).toBe(2);
    } finally {
      await lake.cleanup();
    }
  });
});
