import { readFile } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLedger, updateLedger } from '../../lambda/core/source-ledger.js';
import { jsonLogger } from '../../lambda/logger.js';
import {
  createS3EventHandler,
  decodeS3Key,
  EtlBatchError,
  type S3EventHandlerDeps,
} from '../../lambda/s3-event-handler.js';
import { fileHashes } from './support/lake-files.js';
import { jsonLines, TEST_NOW, tempLake, validOrder } from './support/orders.js';

const fixture = async (): Promise<S3Event> =>
  JSON.parse(await readFile(new URL('./fixtures/s3-put-event.json', import.meta.url), 'utf8')) as S3Event;
const recordFor = (event: S3Event, key: string, eventName = 'ObjectCreated:Put') => {
  const r = structuredClone(event.Records[0]!);
  r.s3.object.key = key;
  r.eventName = eventName as typeof r.eventName;
  return r;
};

/** A handler on the test's lakes (raw in `raw`, outputs in `out`), logging into `logs`. */
const handlerWith = (deps: Partial<S3EventHandlerDeps> = {}) =>
  createS3EventHandler({
    storeFor: () => raw.store,
    processed: out.store,
    quarantine: out.store,
    log: jsonLogger('test', (line) => logs.push(JSON.parse(line))),
    options: { now: () => TEST_NOW, encoderThread: false },
    ...deps,
  });

let raw: Awaited<ReturnType<typeof tempLake>>;
let out: Awaited<ReturnType<typeof tempLake>>;
let logs: Record<string, unknown>[];
let handler: ReturnType<typeof createS3EventHandler>;
beforeEach(async () => {
  raw = await tempLake();
  out = await tempLake();
  logs = [];
  handler = handlerWith({
    storeFor: (bucket) => {
      expect(bucket).toBe('store-sales-dev-raw');
      return raw.store;
    },
  });
});
afterEach(async () => {
  await raw.cleanup();
  await out.cleanup();
});

describe('S3 event handler', () => {
  it('decodes URL-encoded keys (+ and %xx) as S3 sends them', () => {
    expect(decodeS3Key('raw/store_sales/orders+2025+%2801%29.json')).toBe(
      'raw/store_sales/orders 2025 (01).json',
    );
    expect(decodeS3Key('raw/store_sales/caf%C3%A9%2Bbar.json')).toBe('raw/store_sales/café+bar.json');
  });

  it('processes the object of a real S3 put event into the processed store and logs a JSON line', async () => {
    await raw.store.put('raw/store_sales/orders 2025 (01).json', jsonLines([validOrder(1), validOrder(2)]));

    const summary = await handler(await fixture());

    expect(summary.results).toMatchObject([
      { sourceKey: 'raw/store_sales/orders 2025 (01).json', loaded: 2 },
    ]);
    expect(Object.keys(await fileHashes(out.root)).sort()).toEqual([
      'processed/store_sales/fact_order_items/order_year=2025/order_month=01/part-orders 2025 (01).parquet',
      'processed/store_sales/fact_orders/order_year=2025/order_month=01/part-orders 2025 (01).parquet',
      'state/sources/orders 2025 (01).json.json',
    ]);
    expect(logs).toMatchObject([
      {
        level: 'INFO',
        message: 'source processed',
        service: 'test',
        bucket: 'store-sales-dev-raw',
        read: 2,
        loaded: 2,
      },
    ]);
  });

  it('skips keys outside the raw prefix and events other than created/removed, touching nothing', async () => {
    const event = await fixture();
    event.Records = [
      recordFor(event, 'processed/store_sales/fact_orders/order_year%3D2025/order_month%3D01/part-x.parquet'),
      recordFor(event, 'raw/store_sales/orders_2025_01.json', 'ObjectRestore:Completed'),
    ];

    const summary = await handler(event);

    expect(summary).toEqual({ results: [], skipped: expect.any(Array), stale: [], retired: [], refused: [] });
    expect(summary.skipped).toHaveLength(2);
    expect(await fileHashes(out.root)).toEqual({});
  });

  it('processes every record of the batch and fails the invocation naming the sources that failed', async () => {
    await raw.store.put('raw/store_sales/orders_2025_02.json', jsonLines([validOrder(1, 2025, 2)]));
    await raw.store.put('raw/store_sales/orders_2025_03.json', 'PAR1 not json');
    const event = await fixture();
    event.Records = [
      recordFor(event, 'raw/store_sales/orders_2025_01.json'), // missing
      recordFor(event, 'raw/store_sales/orders_2025_02.json'),
      recordFor(event, 'raw/store_sales/orders_2025_03.json'), // not JSON
    ];

    const error = await handler(event).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EtlBatchError);
    expect((error as EtlBatchError).failures.map((f) => f.key)).toEqual([
      'raw/store_sales/orders_2025_01.json',
      'raw/store_sales/orders_2025_03.json',
    ]);
    expect(Object.keys(await fileHashes(out.root, 'processed'))).toHaveLength(2);
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ['ERROR', 'source failed'],
      ['INFO', 'source processed'],
      ['ERROR', 'source rejected'],
    ]);
  });

  it('rejects an empty or broken re-upload like a file that is not JSON: the month keeps its facts and their rejects, the invocation fails', async () => {
    const key = 'raw/store_sales/orders_2025_01.json';
    const event = await fixture();
    event.Records = [recordFor(event, key)];
    await raw.store.put(key, `${jsonLines([validOrder(1), validOrder(2)])}not json\n`);
    await handler(event);
    const quarantined = async () =>
      (await readFile(`${out.root}/quarantine/store_sales/orders_2025_01.jsonl`, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const goodRejects = await quarantined();
    expect(goodRejects).toMatchObject([{ line_number: 3, reason: 'invalid_json' }]);
    const facts = await fileHashes(out.root, 'processed');
    expect(Object.keys(facts)).toHaveLength(2);

    for (const [body, reason] of [
      ['', 'empty_file'],
      [
        `[${JSON.stringify(validOrder(3))},${JSON.stringify(validOrder(4)).slice(0, -1)}]`,
        'malformed_json_array',
      ],
      ['PAR1 not json', 'not_json_file'],
    ] as const) {
      logs.length = 0;
      await raw.store.put(key, body);
      const error = await handler(event).catch((e: unknown) => e);

      // thrown like any failed source: Lambda's async retries (at most 2) then the failure queue
      expect(error, reason).toBeInstanceOf(EtlBatchError);
      expect((error as EtlBatchError).failures).toEqual([
        { key, error: expect.stringMatching(`^${reason}: `) },
      ]);
      expect(logs).toMatchObject([{ level: 'ERROR', message: 'source rejected', quarantined: 1, loaded: 0 }]);
      expect(await fileHashes(out.root, 'processed')).toEqual(facts);
      // the good version's reject, then this refusal alone
      expect(await quarantined()).toEqual([
        ...goodRejects,
        expect.objectContaining({ source_key: key, line_number: 0, reason }),
      ]);
    }
  });

  it('waits for another run of the key (its lease), fails the event once it has waited too long, and takes over a lease left by a run that died', async () => {
    const key = 'raw/store_sales/orders_2025_01.json';
    const lease = 'state/leases/orders_2025_01.json.json';
    await raw.store.put(key, jsonLines([validOrder(1)]));
    const event = await fixture();
    event.Records = [recordFor(event, key)];
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const patient = handlerWith({ leaseWaitMs: 300, leasePollMs: 20 });

    // held by a live run: the event waits, then fails (Lambda retries it), publishing nothing
    await out.store.put(
      lease,
      JSON.stringify({ holder: 'other', acquiredAt: at(-1000), expiresAt: at(600_000) }),
    );
    const error = await patient(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtlBatchError);
    expect((error as EtlBatchError).failures).toEqual([
      {
        key,
        error: expect.stringMatching(
          /^another run of raw\/store_sales\/orders_2025_01\.json has held state\/leases\//,
        ),
      },
    ]);
    expect(logs.map((l) => l.message)).toEqual(['source busy, waiting', 'source failed']);
    expect(await fileHashes(out.root, 'processed')).toEqual({});

    // released while it waits: it runs
    logs.length = 0;
    const waiting = patient(event);
    setTimeout(() => void out.store.delete(lease), 100);
    expect((await waiting).results).toMatchObject([{ sourceKey: key, loaded: 1 }]);
    expect(logs.map((l) => l.message)).toEqual(['source busy, waiting', 'source processed']);

    // past its expiry (the run holding it died): taken over at once, and released after
    await out.store.put(
      lease,
      JSON.stringify({ holder: 'dead', acquiredAt: at(-2000_000), expiresAt: at(-1000) }),
    );
    logs.length = 0;
    expect((await patient(event)).results).toMatchObject([{ sourceKey: key, loaded: 1 }]);
    expect(logs.map((l) => l.message)).toEqual(['source processed']);
    expect(await out.store.head(lease)).toBeUndefined();
  });

  it('renews its lease while a run outlasts the lease’s TTL, so a second event of the key still waits for it', async () => {
    const key = 'raw/store_sales/orders_2025_01.json';
    await raw.store.put(key, jsonLines([validOrder(1)]));
    const event = await fixture();
    event.Records = [recordFor(event, key)];
    const timeline: string[] = [];
    // reading the raw file takes over 2 TTLs (wide TTL: a loaded machine stalls timers)
    const slowRaw = Object.assign(Object.create(raw.store) as typeof raw.store, {
      get: async (k: string) => {
        timeline.push('read');
        await new Promise((r) => setTimeout(r, 4500));
        timeline.push('read done');
        return raw.store.get(k);
      },
    });
    const invocation = () => handlerWith({ storeFor: () => slowRaw, leaseTtlMs: 2000, leasePollMs: 20 });

    const first = invocation()(event);
    await new Promise((r) => setTimeout(r, 100));
    const second = invocation()(event);
    await Promise.all([first, second]);

    // one run after the other, never both reading at once
    expect(timeline).toEqual(['read', 'read done', 'read', 'read done']);
    expect(logs.filter((l) => l.message === 'source busy, waiting')).toHaveLength(1);
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([]);
  });

  it('keeps the holders and flags of a source whose new version is refused as a whole (its old facts stay)', async () => {
    const key = 'raw/store_sales/orders_2025_01_resent.json';
    const holder = 'raw/store_sales/orders_2025_01.json';
    await raw.store.put(key, 'PAR1 not json');
    await updateLedger(out.store, key, () => ({
      key,
      event: 'put',
      duplicateOf: [holder],
      holdersChanged: [holder],
    }));
    const event = await fixture();
    event.Records = [recordFor(event, key)];

    expect(await handler(event).catch((e: unknown) => e)).toBeInstanceOf(EtlBatchError);

    expect(await readLedger(out.store, key)).toMatchObject({
      duplicateOf: [holder],
      holdersChanged: [holder],
    });
  });
});
