import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ETL_METRICS_NAMESPACE } from '../../lambda/etl-metrics.js';
import { generateDataset } from '../../tools/generator/index.js';
import { jsonLines, validOrder } from '../lambda/support/orders.js';
import { duckRows } from '../lambda/support/readers.js';
import { createBuckets, getBytes, listKeys } from './support/buckets.js';
import { STACK, useTestbed } from './support/testbed.js';

/** The `_aws` member of an Embedded Metric Format log line. */
interface EmfMeta {
  Timestamp: number;
  CloudWatchMetrics: {
    Namespace: string;
    Dimensions: string[][];
    Metrics: { Name: string; Unit: string }[];
  }[];
}

const bed = useTestbed();
// A key with a space and parentheses: S3 sends it URL-encoded in the event.
const KEY = 'raw/store_sales/orders 2025 (01).json';
const ENCODED_KEY = 'raw/store_sales/orders+2025+%2801%29.json';
let work: string;
let orders: number;

beforeAll(async () => {
  await createBuckets(bed.clients.s3, [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]);
  work = await mkdtemp(path.join(os.tmpdir(), 'aws-lambda-'));
  const summary = await generateDataset({
    lake: work,
    from: '2025-01',
    months: 1,
    ordersPerMonth: 300,
    seed: 11,
    force: false,
  });
  orders = summary.orders;
  const body = await readFile(path.join(work, 'raw', 'store_sales', 'orders_2025_01.json'));
  await bed.clients.s3.send(new PutObjectCommand({ Bucket: STACK.rawBucket, Key: KEY, Body: body }));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

describe('the Lambda handler module against moto S3', () => {
  it('processes a real S3 put event and writes Parquet that DuckDB reads back', async () => {
    vi.stubEnv('PROCESSED_BUCKET', STACK.processedBucket);
    vi.stubEnv('QUARANTINE_BUCKET', STACK.quarantineBucket);
    vi.stubEnv('S3_ENDPOINT', bed.moto.url);
    // as Lambda sets it: the function's memory in MB (the stack's)
    vi.stubEnv('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '1024');
    vi.resetModules();
    const { handler } = await import('../../lambda/handler.js');
    const event = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../lambda/fixtures/s3-put-event.json'), 'utf8'),
    ) as S3Event;
    const record = event.Records[0]!;
    record.s3.bucket = { ...record.s3.bucket, name: STACK.rawBucket, arn: `arn:aws:s3:::${STACK.rawBucket}` };
    record.s3.object.key = ENCODED_KEY;

    const logged: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      logged.push(String(chunk));
      return true;
    });
    const summary = await handler(event).finally(() => write.mockRestore());

    expect(summary.results).toHaveLength(1);
    // The log line CloudWatch turns into metrics (Embedded Metric Format): every metric and
    // dimension it declares is a top-level field, with this source's counts.
    const emf = logged
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: EmfMeta });
    expect(emf).toHaveLength(1);
    const [directive, memory] = emf[0]!._aws.CloudWatchMetrics;
    // This process's peak RSS against the stubbed 1,024 MB, as the etl-memory alarm reads it.
    expect(memory).toEqual({
      Namespace: ETL_METRICS_NAMESPACE,
      Dimensions: [[]],
      Metrics: [{ Name: 'MemoryUsedPercent', Unit: 'Percent' }],
    });
    const peakMb = process.resourceUsage().maxRSS / 1024;
    expect(emf[0]!.MemoryUsedPercent).toBeGreaterThan(0);
    expect(emf[0]!.MemoryUsedPercent).toBeLessThanOrEqual(Math.ceil((peakMb / 1024) * 1000) / 10);
    expect(directive!.Namespace).toBe(ETL_METRICS_NAMESPACE);
    expect(directive!.Dimensions).toEqual([[], ['Source']]);
    for (const name of directive!.Dimensions.flat()) expect(typeof emf[0]![name]).toBe('string');
    const counts = summary.results[0]!;
    const values = Object.fromEntries(directive!.Metrics.map((m) => [m.Name, emf[0]![m.Name]]));
    expect(values).toEqual({
      RecordsRead: counts.read,
      RecordsLoaded: counts.loaded,
      RecordsQuarantined: counts.quarantined,
      RecordsInV2Format: counts.byFormat.v2,
      RecordsInOriginalFormat: counts.byFormat.original,
      RecordsInNoFormat: counts.byFormat.unrecognised,
    });
    // The fixture is the generator's own (version 2) records; the log line carries the counts too.
    expect(counts.byFormat).toEqual({ v2: orders, original: 0, unrecognised: 0 });
    expect(emf[0]!.byFormat).toEqual(counts.byFormat);
    expect(emf[0]!.Source).toBe('orders 2025 (01).json');
    expect(Math.abs(Date.now() - emf[0]!._aws.Timestamp)).toBeLessThan(60_000);
    expect(summary.results[0]).toMatchObject({
      sourceKey: KEY,
      status: 'ok',
      read: orders,
      partitions: ['2025-01'],
    });
    const written = await listKeys(bed.clients.s3, STACK.processedBucket, 'processed/');
    expect(written.map((o) => o.key)).toEqual([
      'processed/store_sales/fact_order_items/order_year=2025/order_month=01/part-orders 2025 (01).parquet',
      'processed/store_sales/fact_orders/order_year=2025/order_month=01/part-orders 2025 (01).parquet',
    ]);
    const local = path.join(work, 'fact_orders.parquet');
    await writeFile(local, await getBytes(bed.clients.s3, STACK.processedBucket, written[1]!.key));
    const [row] = await duckRows(
      `SELECT count(*)::INT AS n, count(DISTINCT order_id)::INT AS ids, min(source_file) AS source,
              min(strftime(order_date, '%Y-%m')) AS first_month, max(strftime(order_date, '%Y-%m')) AS last_month
       FROM read_parquet('${local}')`,
    );
    const loaded = summary.results[0]!.loaded;
    expect(row).toEqual({
      n: loaded,
      ids: loaded,
      source: KEY,
      first_month: '2025-01',
      last_month: '2025-01',
    });
  });

  it('reads reference/fx_rates.csv from the raw bucket: a JPY order without a rate loads once the file has one', async () => {
    vi.stubEnv('PROCESSED_BUCKET', STACK.processedBucket);
    vi.stubEnv('QUARANTINE_BUCKET', STACK.quarantineBucket);
    vi.stubEnv('S3_ENDPOINT', bed.moto.url);
    vi.resetModules();
    const { handler } = await import('../../lambda/handler.js');
    const key = 'raw/store_sales/orders_jpy.json';
    const put = (k: string, body: string) =>
      bed.clients.s3.send(new PutObjectCommand({ Bucket: STACK.rawBucket, Key: k, Body: body }));
    await put(key, jsonLines([{ ...validOrder(1), order_id: 'JPY-1', currency: 'JPY' }]));
    const event = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../lambda/fixtures/s3-put-event.json'), 'utf8'),
    ) as S3Event;
    const record = event.Records[0]!;
    record.s3.bucket = { ...record.s3.bucket, name: STACK.rawBucket, arn: `arn:aws:s3:::${STACK.rawBucket}` };
    record.s3.object.key = key;
    const quiet = () => vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    let write = quiet();
    const before = await handler(event).finally(() => write.mockRestore());
    expect(before.results[0]).toMatchObject({ loaded: 0, quarantined: 1, byReason: { fx_rate_missing: 1 } });

    await put('reference/fx_rates.csv', 'month,currency,rate_to_usd\n2025-01,JPY,0.006410\n');
    write = quiet();
    const after = await handler(event).finally(() => write.mockRestore());
    expect(after.results[0]).toMatchObject({ loaded: 1, quarantined: 0 });
    const [file] = (
      await listKeys(bed.clients.s3, STACK.processedBucket, 'processed/store_sales/fact_orders/')
    ).filter((o) => o.key.endsWith('part-orders_jpy.parquet'));
    const local = path.join(work, 'jpy.parquet');
    await writeFile(local, await getBytes(bed.clients.s3, STACK.processedBucket, file!.key));
    expect(
      await duckRows(`SELECT order_id, fx_rate_to_usd::DOUBLE AS rate FROM read_parquet('${local}')`),
    ).toEqual([{ order_id: 'JPY-1', rate: 0.00641 }]);
  });
});
