import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { runAwsEtl } from '../../tools/aws/etl-aws.js';
import { jsonLines, validOrder } from '../lambda/support/orders.js';
import { createBuckets, listKeys } from './support/buckets.js';
import { ACCOUNT, REGION } from './support/moto-server.js';
import { STACK, useTestbed } from './support/testbed.js';

const bed = useTestbed();
const JAN = 'raw/store_sales/orders_2025_01.json';
const JAN_L = 'raw/store_sales/orders_2025_01.jsonl';
const FEB = 'raw/store_sales/orders_2025_02.json';
/** Outputs of a month whose raw file was deleted since it was processed. */
const MAR_PART =
  'processed/store_sales/fact_orders/order_year=2025/order_month=03/part-orders_2025_03.parquet';
const MAR_QUARANTINE = 'quarantine/store_sales/orders_2025_03.jsonl';

const store = (bucket: string) => new S3ObjectStore(bed.clients.s3, bucket);
const keys = async (bucket: string, prefix: string) =>
  (await listKeys(bed.clients.s3, bucket, prefix)).map((o) => o.key);

beforeAll(async () => {
  await createBuckets(bed.clients.s3, [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]);
});
beforeEach(async () => {
  for (const bucket of [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]) {
    for (const key of await keys(bucket, '')) await store(bucket).delete(key);
  }
  await store(STACK.rawBucket).put(JAN, jsonLines([validOrder(1)]));
  await store(STACK.rawBucket).put(JAN_L, jsonLines([validOrder(2)]));
  await store(STACK.rawBucket).put(FEB, jsonLines([validOrder(3, 2025, 2)]));
  await store(STACK.processedBucket).put(MAR_PART, 'stale');
  await store(STACK.quarantineBucket).put(MAR_QUARANTINE, 'stale');
});

describe('ops etl --target aws applies the shared source policy', () => {
  it('with --local-compute: refuses colliding names, publishes nothing of them, retires deleted sources', async () => {
    const summary = await runAwsEtl({ config: bed.config, clients: bed.clients, localCompute: true });

    expect(summary.results.filter((r) => !r.ok).map((r) => r.key)).toEqual([JAN, JAN_L]);
    expect(summary.results.find((r) => !r.ok)).toMatchObject({
      error: expect.stringMatching(/share the name "orders_2025_01"/),
    });
    expect(summary.results.filter((r) => r.ok).map((r) => r.key)).toEqual([FEB]);
    expect(summary.retired).toEqual(['raw/store_sales/orders_2025_03.*']);
    expect(await keys(STACK.processedBucket, 'processed/')).toEqual(
      ['fact_order_items', 'fact_orders'].map(
        (t) => `processed/store_sales/${t}/order_year=2025/order_month=02/part-orders_2025_02.parquet`,
      ),
    );
    expect(await keys(STACK.quarantineBucket, 'quarantine/')).toEqual([]);
  });

  it('when invoking the function: invokes it only for sources the policy lets through', async () => {
    await bed.moto.api('/moto-api/config', { lambda: { use_docker: false } });
    const result = { sourceKey: FEB, status: 'ok', read: 1, loaded: 1, quarantined: 0, files: [] };
    await bed.moto.api('/moto-api/static/lambda-simple/response', {
      account_id: ACCOUNT,
      region: REGION,
      results: [
        JSON.stringify({
          results: [{ ...result, rows: { fact_orders: 1, fact_order_items: 1 } }],
          skipped: [],
        }),
      ],
    });

    const summary = await runAwsEtl({ config: bed.config, clients: bed.clients, localCompute: false });

    const invoked = bed.proxy.calls.filter((c) =>
      c.path.includes(`/functions/${STACK.etlFunction}/invocations`),
    );
    expect(invoked).toHaveLength(1);
    expect(summary.results.map((r) => [r.key, r.ok])).toEqual([
      [JAN, false],
      [JAN_L, false],
      [FEB, true],
    ]);
    expect(summary.retired).toEqual(['raw/store_sales/orders_2025_03.*']);
    expect(await keys(STACK.processedBucket, 'processed/')).toEqual([]);
    expect(await keys(STACK.quarantineBucket, 'quarantine/')).toEqual([]);
  });
});
