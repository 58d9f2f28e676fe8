import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuarantineRecord } from '../../lambda/core/quarantine-writer.js';
import { createS3EventHandler } from '../../lambda/s3-event-handler.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { runAwsEtl } from '../../tools/aws/etl-aws.js';
import { crawlDuckDb } from '../../tools/duckdb/duckdb-catalog.js';
import { withWarehouse } from '../../tools/duckdb/warehouse.js';
import { assertNoDuplicateOrders, findDuplicateOrders } from '../../tools/exports/duplicate-orders.js';
import { generateDataset } from '../../tools/generator/index.js';
import { createBuckets, getBytes, listKeys } from './support/buckets.js';
import { ACCOUNT, REGION } from './support/moto-server.js';
import { STACK, useTestbed } from './support/testbed.js';

/**
 * The resent file on AWS: the Lambda handler against moto S3. One invocation after the other,
 * the copy is quarantined naming the original. Two concurrent invocations may both load (each
 * reads the other's ids before they exist): then the publishing check refuses the facts, and
 * re-processing the copy (`ops etl --target aws --file`) repairs them.
 */
const bed = useTestbed();
const AUG = 'raw/store_sales/orders_2025_08.json';
const RESENT = 'raw/store_sales/orders_2025_09.json';
let work: string;
let orders: number;

const event = (key: string): S3Event =>
  ({
    Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: STACK.rawBucket }, object: { key } } }],
  }) as unknown as S3Event;

const handler = () => {
  const store = (bucket: string) => new S3ObjectStore(bed.clients.s3, bucket);
  const log = { info: () => undefined, error: () => undefined };
  return createS3EventHandler({
    storeFor: store,
    processed: store(STACK.processedBucket),
    quarantine: store(STACK.quarantineBucket),
    log,
    options: { encoderThread: false },
  });
};

/** The processed bucket copied into a fresh local lake and crawled, for the same SQL check as the export. */
async function processedAsLake(): Promise<string> {
  const lake = await mkdtemp(path.join(work, 'lake-'));
  for (const { key } of await listKeys(bed.clients.s3, STACK.processedBucket, 'processed/')) {
    await mkdir(path.dirname(path.join(lake, key)), { recursive: true });
    await writeFile(path.join(lake, key), await getBytes(bed.clients.s3, STACK.processedBucket, key));
  }
  await crawlDuckDb({ lake });
  return lake;
}

async function clearProcessed(): Promise<void> {
  for (const { key } of await listKeys(bed.clients.s3, STACK.processedBucket, 'processed/')) {
    await bed.clients.s3.send(new DeleteObjectCommand({ Bucket: STACK.processedBucket, Key: key }));
  }
}

beforeAll(async () => {
  await createBuckets(bed.clients.s3, [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]);
  work = await mkdtemp(path.join(os.tmpdir(), 'aws-duplicates-'));
  orders = (
    await generateDataset({
      lake: work,
      from: '2025-08',
      months: 1,
      ordersPerMonth: 200,
      seed: 3,
      force: false,
    })
  ).orders;
  const body = await readFile(path.join(work, AUG));
  for (const Key of [AUG, RESENT]) {
    await bed.clients.s3.send(new PutObjectCommand({ Bucket: STACK.rawBucket, Key, Body: body }));
  }
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('a resent file on AWS (Lambda handler, moto S3)', () => {
  it('quarantines every order of the copy, naming the original, when the copy arrives later', async () => {
    const run = handler();
    await run(event(AUG));
    const { results } = await run(event(RESENT));

    expect(results[0]).toMatchObject({ loaded: 0, quarantined: orders, duplicateOf: [AUG] });
    const text = (
      await getBytes(bed.clients.s3, STACK.quarantineBucket, 'quarantine/store_sales/orders_2025_09.jsonl')
    ).toString();
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as QuarantineRecord);
    expect(records).toHaveLength(orders);
    expect(records.every((r) => r.reason === 'duplicate_order_id' && r.message.endsWith(`from ${AUG}`))).toBe(
      true,
    );
    const lake = await processedAsLake();
    expect((await withWarehouse({ lake }, findDuplicateOrders)).count).toBe(0);
  }, 120_000);

  it('under concurrent invocations, never lets duplicates be published, and a re-run repairs them', async () => {
    await clearProcessed();
    const run = handler();
    await Promise.all([run(event(AUG)), run(event(RESENT))]);

    const raced = await processedAsLake();
    const report = await withWarehouse({ lake: raced }, findDuplicateOrders);
    expect([0, orders]).toContain(report.count);
    if (report.count) {
      await expect(withWarehouse({ lake: raced }, assertNoDuplicateOrders)).rejects.toMatchObject({
        code: 'DUPLICATE_ORDERS',
      });
    }

    await run(event(RESENT));
    const repaired = await processedAsLake();
    expect((await withWarehouse({ lake: repaired }, findDuplicateOrders)).count).toBe(0);
    const [row] = await withWarehouse({ lake: repaired }, (e) =>
      e.query('SELECT COUNT(DISTINCT order_id) AS ids, COUNT(*) AS n FROM fact_orders'),
    );
    expect([Number(row?.ids), Number(row?.n)]).toEqual([orders, orders]);
  }, 120_000);

  it('ops etl --target aws re-runs, one by one, a source that shared a partition in a concurrent run', async () => {
    await bed.moto.api('/moto-api/config', { lambda: { use_docker: false } });
    const result = (sourceKey: string, loaded: number, partitions: string[]) => ({
      sourceKey,
      status: 'ok',
      read: orders,
      loaded,
      quarantined: orders - loaded,
      files: [],
      partitions,
      rows: { fact_orders: loaded, fact_order_items: 0 },
    });
    // The two concurrent invocations both loaded August (each answer carries both results, as
    // moto answers in arrival order); the re-run of the copy then defers to the original.
    const raced = JSON.stringify({
      results: [result(AUG, orders, ['2025-08']), result(RESENT, orders, ['2025-08'])],
    });
    const rerun = JSON.stringify({ results: [result(RESENT, 0, [])] });
    await bed.moto.api('/moto-api/static/lambda-simple/response', {
      account_id: ACCOUNT,
      region: REGION,
      results: [raced, raced, rerun],
    });

    const summary = await runAwsEtl({ config: bed.config, clients: bed.clients, localCompute: false });

    const invoked = bed.proxy.calls.filter((c) =>
      c.path.includes(`/functions/${STACK.etlFunction}/invocations`),
    );
    expect(invoked).toHaveLength(3);
    expect(summary.results.map((r) => [r.key, r.ok && r.result.loaded])).toEqual([
      [AUG, orders],
      [RESENT, 0],
    ]);
  });
});
