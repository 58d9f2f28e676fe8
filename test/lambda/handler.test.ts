import { readFile } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, readConfig } from '../../lambda/config.js';
import { fileHashes } from './support/lake-files.js';
import { jsonLines, tempLake, validOrder } from './support/orders.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('Lambda handler module', () => {
  it('fails at cold start naming the missing variable', async () => {
    vi.stubEnv('PROCESSED_BUCKET', 'processed');
    vi.stubEnv('QUARANTINE_BUCKET', '');

    await expect(import('../../lambda/handler.js')).rejects.toThrow(/QUARANTINE_BUCKET/);
  });

  it('reads sources from the event bucket and writes facts and rejects to the configured buckets', async () => {
    const lakes = { raw: await tempLake(), processed: await tempLake(), quarantine: await tempLake() };
    const buckets: Record<string, Awaited<ReturnType<typeof tempLake>>> = {
      'store-sales-dev-raw': lakes.raw,
      'processed-bucket': lakes.processed,
      'quarantine-bucket': lakes.quarantine,
    };
    const endpoints: unknown[] = [];
    // Each S3 bucket becomes a local folder; the handler's wiring is what is under test.
    vi.doMock('../../lambda/s3-object-store.js', () => ({
      createS3Client: (options: unknown) => {
        endpoints.push(options);
        return {};
      },
      S3ObjectStore: function S3ObjectStore(_client: unknown, bucket: string) {
        const lake = buckets[bucket];
        if (!lake) throw new Error(`unexpected bucket ${bucket}`);
        return lake.store;
      },
    }));
    vi.stubEnv('PROCESSED_BUCKET', 'processed-bucket');
    vi.stubEnv('QUARANTINE_BUCKET', 'quarantine-bucket');
    vi.stubEnv('S3_ENDPOINT', 'http://127.0.0.1:5999');
    const event = JSON.parse(
      await readFile(new URL('./fixtures/s3-put-event.json', import.meta.url), 'utf8'),
    ) as S3Event;
    const key = 'raw/store_sales/orders 2025 (01).json';
    await lakes.raw.store.put(
      key,
      jsonLines([{ ...validOrder(1), order_timestamp: '2025-01-02T03:04:05Z' }, 'oops']),
    );
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const { handler } = await import('../../lambda/handler.js');

      const summary = await handler(event);

      expect(endpoints).toEqual([{ endpoint: 'http://127.0.0.1:5999' }]);
      expect(summary.results).toMatchObject([{ sourceKey: key, read: 2, loaded: 1, quarantined: 1 }]);
      expect(Object.keys(await fileHashes(lakes.processed.root)).sort()).toEqual([
        'processed/store_sales/fact_order_items/order_year=2025/order_month=01/part-orders 2025 (01).parquet',
        'processed/store_sales/fact_orders/order_year=2025/order_month=01/part-orders 2025 (01).parquet',
        // The source ledger (newest event applied to the key) lives beside the facts.
        'state/sources/orders 2025 (01).json.json',
      ]);
      expect(Object.keys(await fileHashes(lakes.quarantine.root))).toEqual([
        'quarantine/store_sales/orders 2025 (01).jsonl',
      ]);
      expect(Object.keys(await fileHashes(lakes.raw.root))).toEqual([key]);
    } finally {
      vi.doUnmock('../../lambda/s3-object-store.js');
      for (const lake of Object.values(lakes)) await lake.cleanup();
    }
  });

  it('rules out the encoder thread below two vCPUs of memory', () => {
    const base = { PROCESSED_BUCKET: 'p', QUARANTINE_BUCKET: 'q' };
    expect(readConfig({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' }).encoderThread).toBe(false);
    expect(readConfig({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '4096' }).encoderThread).toBeUndefined();
    expect(() => readConfig({ ...base, S3_ENDPOINT: 'not a url' })).toThrow(ConfigError);
  });

  it("keeps the function's memory for the memory metric, none outside Lambda", () => {
    const base = { PROCESSED_BUCKET: 'p', QUARANTINE_BUCKET: 'q' };
    expect(readConfig({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' }).memoryMb).toBe(1024);
    expect(readConfig(base).memoryMb).toBeUndefined();
  });
});
