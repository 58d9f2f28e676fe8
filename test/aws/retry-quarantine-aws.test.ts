import { beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { runAwsEtl } from '../../tools/aws/etl-aws.js';
import { jsonLines, TEST_NOW, validOrder } from '../lambda/support/orders.js';
import { createBuckets, getBytes, listKeys } from './support/buckets.js';
import { STACK, useTestbed } from './support/testbed.js';

// `ops etl --target aws --retry-quarantine` (issue 15, point 4) with the handler run here
// (--local-compute) against moto, at an injected processing time.

const bed = useTestbed();
const JUN = 'raw/store_sales/orders_2025_06.json';
const MAY = 'raw/store_sales/orders_2025_05.json';
const RETRY_AT = Date.UTC(2025, 6, 5);

beforeAll(async () => {
  await createBuckets(bed.clients.s3, [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]);
  const raw = new S3ObjectStore(bed.clients.s3, STACK.rawBucket);
  // June: two orders now, one five days ahead (2025-07-05); May: one now, one schema reject.
  await raw.put(JUN, jsonLines([validOrder(1, 2025, 6), validOrder(2, 2025, 6), validOrder(4, 2025, 7)]));
  await raw.put(MAY, jsonLines([validOrder(3, 2025, 5), '{"order_id": 1}']));
});

const run = (now: number, retryQuarantine: boolean) =>
  runAwsEtl({
    config: bed.config,
    clients: bed.clients,
    localCompute: true,
    now: () => now,
    retryQuarantine,
  });

describe('retrying future-dated quarantined orders on AWS', () => {
  it('re-runs just the source whose order is now in range, once, with counts that reconcile', async () => {
    const first = await run(TEST_NOW, false);
    expect(first.results.map((r) => r.ok && [r.key, r.result.loaded, r.result.quarantined])).toEqual([
      [MAY, 1, 1],
      [JUN, 2, 1],
    ]);

    expect(await run(TEST_NOW, true)).toMatchObject({ ranOn: 'nothing due', results: [], retried: [] });

    const retry = await run(RETRY_AT, true);
    expect(retry.retried).toEqual([JUN]);
    expect(retry.results).toHaveLength(1);
    const [r] = retry.results;
    expect(r).toMatchObject({ key: JUN, ok: true, result: { read: 3, loaded: 3, quarantined: 0 } });
    const orders = (
      await listKeys(bed.clients.s3, STACK.processedBucket, 'processed/store_sales/fact_orders/')
    ).map((o) => o.key);
    expect(orders).toEqual([
      'processed/store_sales/fact_orders/order_year=2025/order_month=05/part-orders_2025_05.parquet',
      'processed/store_sales/fact_orders/order_year=2025/order_month=06/part-orders_2025_06.parquet',
      'processed/store_sales/fact_orders/order_year=2025/order_month=07/part-orders_2025_06.parquet',
    ]);
    // June's quarantine is gone (nothing left in it); May's schema reject is never "due".
    expect((await listKeys(bed.clients.s3, STACK.quarantineBucket, '')).map((o) => o.key)).toEqual([
      'quarantine/store_sales/orders_2025_05.jsonl',
    ]);
    expect(
      String(
        await getBytes(bed.clients.s3, STACK.quarantineBucket, 'quarantine/store_sales/orders_2025_05.jsonl'),
      ),
    ).toMatch(/schema_violation/);
    expect(await run(RETRY_AT, true)).toMatchObject({ results: [], retried: [] });
  });
});
