import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { runAwsEtl } from '../../tools/aws/etl-aws.js';
import { uploadRawFiles } from '../../tools/aws/upload.js';
import { jsonLines, TEST_NOW, validOrder } from '../lambda/support/orders.js';
import { createBuckets, getBytes, listKeys } from './support/buckets.js';
import { failFirst } from './support/fault-proxy.js';
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

describe('retrying orders quarantined for a missing USD rate on AWS', () => {
  // January 2026 is past the shipped rates: GBP and EUR orders wait for the lake's FX reference.
  const JAN = 'raw/store_sales/orders_2026_01.json';
  const FEB_2026 = Date.UTC(2026, 1, 1);

  it('re-runs the source once `ops upload` has put the rates in the raw bucket, and only then', async () => {
    const raw = new S3ObjectStore(bed.clients.s3, STACK.rawBucket);
    await raw.put(JAN, jsonLines([validOrder(0, 2026, 1), validOrder(1, 2026, 1), validOrder(2, 2026, 1)]));
    const first = await run(FEB_2026, false);
    expect(first.results.find((r) => r.key === JAN)).toMatchObject({
      ok: true,
      result: { read: 3, loaded: 1, quarantined: 2 },
    });
    expect(
      String(
        await getBytes(bed.clients.s3, STACK.quarantineBucket, 'quarantine/store_sales/orders_2026_01.jsonl'),
      ),
    ).toMatch(/fx_rate_missing.*no USD rate for GBP in 2026-01/);
    // No rate yet: nothing is due.
    expect((await run(FEB_2026, true)).retried).toEqual([]);

    // The user adds the month to the lake's reference and uploads: the CSV goes up with the files.
    const lake = await mkdtemp(path.join(os.tmpdir(), 'aws-fx-retry-'));
    try {
      await mkdir(path.join(lake, 'raw', 'store_sales'), { recursive: true });
      await writeFile(
        path.join(lake, 'raw', 'store_sales', 'orders_2026_01.json'),
        await getBytes(bed.clients.s3, STACK.rawBucket, JAN),
      );
      await mkdir(path.join(lake, 'reference'));
      await writeFile(
        path.join(lake, 'reference', 'fx_rates.csv'),
        'month,currency,rate_to_usd\n2026-01,GBP,1.270000\n2026-01,EUR,1.090000\n',
      );
      const uploaded = await uploadRawFiles({ s3: bed.clients.s3, bucket: STACK.rawBucket, lake });
      expect(uploaded.fxReference).toBe('uploaded');
      expect((await uploadRawFiles({ s3: bed.clients.s3, bucket: STACK.rawBucket, lake })).fxReference).toBe(
        'unchanged',
      );
    } finally {
      await rm(lake, { recursive: true, force: true });
    }

    const retry = await run(FEB_2026, true);
    expect(retry.retried).toEqual([JAN]);
    expect(retry.results).toMatchObject([
      { key: JAN, ok: true, result: { read: 3, loaded: 3, quarantined: 0 } },
    ]);
    expect((await run(FEB_2026, true)).retried).toEqual([]);
  });
});

describe('retrying a source its ledger still flags on AWS', () => {
  it('re-runs a twin whose holder dropped an order once the twin’s own re-run failed for good', async () => {
    const HOLDER = 'raw/store_sales/orders_2025_03.json';
    const TWIN = 'raw/store_sales/orders_2025_03_resent.json';
    const raw = new S3ObjectStore(bed.clients.s3, STACK.rawBucket);
    await raw.put(HOLDER, jsonLines([validOrder(10, 2025, 3), validOrder(11, 2025, 3)]));
    await raw.put(TWIN, jsonLines([validOrder(11, 2025, 3), validOrder(12, 2025, 3)]));
    const files = (names: string[]) =>
      runAwsEtl({
        config: bed.config,
        clients: bed.clients,
        localCompute: true,
        now: () => TEST_NOW,
        files: names,
      });
    await files([HOLDER]);
    expect((await files([TWIN])).results).toMatchObject([
      { key: TWIN, ok: true, result: { loaded: 1, quarantined: 1 } },
    ]);

    // The holder drops order 11; the twin's re-run after it cannot read its raw file (and
    // Lambda's retries of that event are spent): the ledger keeps the twin flagged.
    await raw.put(HOLDER, jsonLines([validOrder(10, 2025, 3)]));
    bed.proxy.use(
      failFirst((c) => c.method === 'GET' && c.path.startsWith(`/${STACK.rawBucket}/${TWIN}`), 1, {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: '<Error><Code>AccessDenied</Code><Message>injected</Message></Error>',
      }),
    );
    const dropped = await files([HOLDER]);
    bed.proxy.reset();
    expect(dropped.results).toMatchObject([{ key: HOLDER, ok: false }]);
    const ledger = JSON.parse(
      String(
        await getBytes(
          bed.clients.s3,
          STACK.processedBucket,
          'state/sources/orders_2025_03_resent.json.json',
        ),
      ),
    );
    expect(ledger.holdersChanged).toEqual([HOLDER]);

    const retry = await run(TEST_NOW, true);

    expect(retry.retried).toEqual([TWIN]);
    expect(retry.results).toMatchObject([
      { key: TWIN, ok: true, result: { read: 2, loaded: 2, quarantined: 0 } },
    ]);
    expect((await run(TEST_NOW, true)).retried).toEqual([]);
  });
});
