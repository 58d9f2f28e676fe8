import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { jsonLogger } from '../../lambda/logger.js';
import { createS3EventHandler, EtlBatchError } from '../../lambda/s3-event-handler.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { athenaEngineFor } from '../../tools/aws/athena-engine.js';
import { s3PutEvent } from '../../tools/aws/s3-event.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { warehousePath } from '../../tools/duckdb/warehouse.js';
import { createViews, SQL_DIR } from '../../tools/engines/create-views.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { runLocalEtl } from '../../tools/etl/run-local-etl.js';
import { exportOutputs } from '../../tools/exports/export-outputs.js';
import { fileHashes } from '../lambda/support/lake-files.js';
import { jsonLines, tempLake, validOrder } from '../lambda/support/orders.js';
import { type FixtureOrder, factTablesSql, martsFromViewsSql } from '../sql/fact-fixture.js';
import {
  asAthenaResult,
  athenaFailing,
  registerAthenaResults,
  type StubResult,
} from './support/athena-stubs.js';
import { createBuckets, getBytes, listKeys, sha256 } from './support/buckets.js';
import { failFirst, type ProxiedCall } from './support/fault-proxy.js';
import { REGION } from './support/moto-server.js';
import { STACK, useTestbed } from './support/testbed.js';

// Issue 15, point 6: faults on the AWS path, injected by the loopback proxy in front of moto.

const bed = useTestbed();
const KEY = 'raw/store_sales/orders_2025_01.json';
const V1 = `${jsonLines([validOrder(1), validOrder(2), validOrder(3, 2025, 2)])}{"broken": \n`;
const V2 = jsonLines([validOrder(4), validOrder(5), validOrder(6), validOrder(7, 2025, 3)]);

const store = (bucket: string) => new S3ObjectStore(bed.clients.s3, bucket);
const handler = () =>
  createS3EventHandler({
    storeFor: store,
    processed: store(STACK.processedBucket),
    quarantine: store(STACK.quarantineBucket),
    log: jsonLogger('test', () => undefined),
    options: { encoderThread: false },
  });
const event = (): S3Event => s3PutEvent(STACK.rawBucket, KEY, 0, REGION);

/** The outputs in both buckets (ledger aside), key -> sha256. */
async function outputs(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const bucket of [STACK.processedBucket, STACK.quarantineBucket]) {
    for (const { key } of await listKeys(bed.clients.s3, bucket, '')) {
      if (!key.startsWith('state/')) out[key] = sha256(await getBytes(bed.clients.s3, bucket, key));
    }
  }
  return out;
}

/** What the local runner makes of `body`: the outputs a successful AWS run must equal. */
async function expectedFor(body: string): Promise<Record<string, string>> {
  const lake = await tempLake();
  try {
    await lake.store.put(KEY, body);
    await runLocalEtl({ lake: lake.root });
    return Object.fromEntries(
      Object.entries(await fileHashes(lake.root)).filter(([k]) => /^(processed|quarantine)\//.test(k)),
    );
  } finally {
    await lake.cleanup();
  }
}

const isPut = (bucket: string) => (c: ProxiedCall) =>
  c.method === 'PUT' && c.path.startsWith(`/${bucket}/processed/`);

beforeAll(async () => {
  await createBuckets(bed.clients.s3, [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]);
});

describe('S3 faults while the ETL publishes', () => {
  it('a PUT failing mid-publish fails the run without recording it; the retry publishes the new version exactly', async () => {
    await store(STACK.rawBucket).put(KEY, V1);
    await handler()(event());
    expect(await outputs()).toEqual(await expectedFor(V1));
    const ledgerBefore = await getBytes(
      bed.clients.s3,
      STACK.processedBucket,
      'state/sources/orders_2025_01.json.json',
    );

    await store(STACK.rawBucket).put(KEY, V2);
    // The first Parquet PUT goes through; every later one is refused (no SDK retry helps).
    let puts = 0;
    bed.proxy.use((call, next) => {
      if (!isPut(STACK.processedBucket)(call) || puts++ < 1) return next(call);
      return Promise.resolve({
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: '<Error><Code>AccessDenied</Code><Message>injected</Message></Error>',
      });
    });
    const failed = await handler()(event()).catch((e: unknown) => e);
    bed.proxy.reset();

    expect(failed).toBeInstanceOf(EtlBatchError);
    // Every object is whole (the old or the new version), the ledger still names the old run,
    // so the retry is not mistaken for a stale event.
    const v1 = await expectedFor(V1);
    const v2 = await expectedFor(V2);
    for (const [key, hash] of Object.entries(await outputs())) expect([v1[key], v2[key]]).toContain(hash);
    expect(
      await getBytes(bed.clients.s3, STACK.processedBucket, 'state/sources/orders_2025_01.json.json'),
    ).toEqual(ledgerBefore);

    await handler()(event()); // Lambda's retry of the same event
    expect(await outputs()).toEqual(v2);
  });

  it('throttled GetObject (503 SlowDown) is retried by the SDK and the run is exact', async () => {
    await store(STACK.rawBucket).put(KEY, V1);
    const slowDown = {
      status: 503,
      headers: { 'content-type': 'application/xml' },
      body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
    };
    bed.proxy.use(
      failFirst((c) => c.method === 'GET' && c.path.startsWith(`/${STACK.rawBucket}/raw/`), 2, slowDown),
    );

    const summary = await handler()(event());

    expect(summary.results).toMatchObject([{ sourceKey: KEY, read: 4, loaded: 3, quarantined: 1 }]);
    const gets = bed.proxy.calls.filter(
      (c) => c.method === 'GET' && c.path.startsWith(`/${STACK.rawBucket}/raw/`),
    );
    expect(gets.length).toBeGreaterThanOrEqual(3);
    expect(await outputs()).toEqual(await expectedFor(V1));
  });
});

describe('an Athena query FAILED during export-outputs', () => {
  const ORDERS: FixtureOrder[] = Array.from({ length: 24 }, (_, i) => ({
    id: `O${i}`,
    date: `2025-0${1 + (i % 3)}-${String(1 + (i % 27)).padStart(2, '0')}`,
    status: i % 5 === 0 ? 'cancelled' : 'completed',
    customer: `C${i % 5}`,
    country: ['US', 'DE'][i % 2] as string,
    lines: [{ category: ['books', 'grocery'][i % 2] as string, usd: `${10 + i}.50` }],
  }));
  let lake: string;
  beforeAll(async () => {
    await bed.clients.athena.send(new CreateWorkGroupCommand({ Name: STACK.workgroup }));
    lake = await mkdtemp(path.join(os.tmpdir(), 'aws-faults-'));
    const engine = await openDuckDbEngine(warehousePath(lake));
    try {
      for (const sql of factTablesSql(ORDERS)) await engine.exec(sql);
      await createViews(engine, SQL_DIR, { quality: true });
      for (const sql of martsFromViewsSql()) await engine.exec(sql);
    } finally {
      await engine.close();
    }
  });
  afterAll(() => rm(lake, { recursive: true, force: true }));

  it('writes nothing (the previous CSVs stay), and the retry writes what the local export writes', async () => {
    const localDir = path.join(lake, 'local');
    const asked: string[] = [];
    const duck = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
    const recording: QueryEngine = {
      ...duck,
      query: (sql) => {
        asked.push(sql);
        return duck.query(sql);
      },
    };
    await exportOutputs(recording, localDir).finally(() => duck.close());
    const results: StubResult[] = [];
    for (const sql of asked) results.push(await asAthenaResult(warehousePath(lake), sql));
    // The failing run consumes results up to and including its failed query, then the retry all.
    const failAt = 3;
    await registerAthenaResults(bed.moto, [...results.slice(0, failAt + 1), ...results]);

    const out = path.join(lake, 'published');
    await mkdir(out, { recursive: true });
    for (const spec of CSV_EXPORTS) await writeFile(path.join(out, spec.file), `old ${spec.file}\n`);
    const before = await fileHashes(out);
    const failing = asked[failAt] as string;
    bed.proxy.use(athenaFailing(new RegExp(escapeRegExp(failing.slice(0, 80))), 'injected: query FAILED'));
    const engine = () =>
      athenaEngineFor(bed.config, bed.clients, { timeoutMs: 10_000, pageSize: 1000, initialDelayMs: 10 });

    const error = await exportOutputs(engine(), out).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'EXPORT_FAILED',
      message: expect.stringMatching(/injected: query FAILED/),
    });
    expect(await fileHashes(out)).toEqual(before);

    bed.proxy.reset();
    await exportOutputs(engine(), out);
    for (const spec of CSV_EXPORTS) {
      expect(await readFile(path.join(out, spec.file), 'utf8'), spec.file).toBe(
        await readFile(path.join(localDir, spec.file), 'utf8'),
      );
    }
  });
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
