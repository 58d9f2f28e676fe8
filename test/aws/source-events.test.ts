import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sourceLedgerKey } from '../../contracts/lake-keys.js';
import type { ObjectStore, PutBody, PutOptions } from '../../lambda/core/object-store.js';
import type { LedgerEntry } from '../../lambda/core/source-ledger.js';
import { jsonLogger } from '../../lambda/logger.js';
import { createS3EventHandler, type S3EventSummary } from '../../lambda/s3-event-handler.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { runLocalEtl } from '../../tools/etl/run-local-etl.js';
import { fileHashes } from '../lambda/support/lake-files.js';
import { jsonLines, tempLake, validOrder } from '../lambda/support/orders.js';
import { getBytes, headObject, listKeys, sha256 } from './support/buckets.js';
import { failFirst } from './support/fault-proxy.js';
import { handlerOnTestbed, s3EventRecord, s3Events } from './support/s3-events.js';
import { STACK, useTestbed } from './support/testbed.js';

// Points 1-3 of issue 15 on the AWS path: the real handler module (lambda/handler.ts, configured
// through its environment as on Lambda) against moto S3 with a versioned raw bucket.

const bed = useTestbed();
const JAN = 'raw/store_sales/orders_2025_01.json';
const JAN_L = 'raw/store_sales/orders_2025_01.jsonl';
const FEB = 'raw/store_sales/orders_2025_02.json';
const NOW = Date.now();

let handler: (event: S3Event) => Promise<S3EventSummary>;
let logged: Record<string, unknown>[];

const store = (bucket: string) => new S3ObjectStore(bed.clients.s3, bucket);
const keys = async (bucket: string, prefix = '') =>
  (await listKeys(bed.clients.s3, bucket, prefix)).map((o) => o.key);
/** Every object of the processed and quarantine buckets, key -> sha256 (what a stale event must not touch). */
async function outputs(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const bucket of [STACK.processedBucket, STACK.quarantineBucket]) {
    for (const key of await keys(bucket)) {
      if (!key.startsWith('state/')) out[key] = sha256(await getBytes(bed.clients.s3, bucket, key));
    }
  }
  return out;
}

/** The ledger the handler keeps for `rawKey` (processed bucket, `state/sources/`). */
const ledgerOf = async (rawKey: string) =>
  JSON.parse(
    (await getBytes(bed.clients.s3, STACK.processedBucket, sourceLedgerKey(rawKey))).toString(),
  ) as LedgerEntry;

/** Puts a raw object; returns its versionId (the raw bucket is versioned). */
async function upload(key: string, body: string): Promise<string> {
  const res = await bed.clients.s3.send(
    new PutObjectCommand({ Bucket: STACK.rawBucket, Key: key, Body: body }),
  );
  return res.VersionId ?? '';
}

/** An S3 notification record as S3 sends it for `eventName` on `key`, with this sequencer. */
const record = (eventName: string, key: string, sequencer: string, versionId?: string) =>
  s3EventRecord(eventName, key, sequencer, versionId, new Date(NOW));
const events = s3Events;

const orders = (month: number, ids: number[]) => jsonLines(ids.map((i) => validOrder(i, 2025, month)));

beforeAll(async () => {
  const mod = await handlerOnTestbed(bed);
  handler = async (event) => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) logged.push(JSON.parse(line));
      return true;
    });
    try {
      return await mod.handler(event);
    } finally {
      write.mockRestore();
    }
  };
});
afterAll(() => {
  vi.unstubAllEnvs();
});
beforeEach(async () => {
  logged = [];
  for (const bucket of [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]) {
    for (const key of await keys(bucket)) await store(bucket).delete(key);
  }
});

describe('deletes on AWS (ObjectRemoved)', () => {
  it('retires the deleted source’s Parquet and quarantine exactly as the local runner does', async () => {
    const jan = `${orders(1, [1, 2, 3])}{"order_id": "broken"\n`;
    const feb = orders(2, [4, 5]);
    await upload(JAN, jan);
    await upload(FEB, feb);
    await handler(events(record('ObjectCreated:Put', JAN, '10'), record('ObjectCreated:Put', FEB, '11')));
    expect(await keys(STACK.quarantineBucket)).toEqual(['quarantine/store_sales/orders_2025_01.jsonl']);

    await store(STACK.rawBucket).delete(JAN); // versioned: a delete marker
    expect(await headObject(bed.clients.s3, STACK.rawBucket, JAN).catch(() => undefined)).toBeUndefined();
    const summary = await handler(events(record('ObjectRemoved:DeleteMarkerCreated', JAN, '20')));

    expect(summary.retired).toEqual([JAN]);
    expect(logged).toContainEqual(expect.objectContaining({ message: 'source retired', key: JAN }));
    // The local runner on the same files, then the same deletion: the same outputs, byte for byte.
    const lake = await tempLake();
    try {
      await lake.store.put(JAN, jan);
      await lake.store.put(FEB, feb);
      await runLocalEtl({ lake: lake.root });
      await lake.store.delete(JAN);
      const local = await runLocalEtl({ lake: lake.root });
      expect(local.retired).toEqual([JAN]);
      const expected = Object.fromEntries(
        Object.entries(await fileHashes(lake.root)).filter(([k]) => /^(processed|quarantine)\//.test(k)),
      );
      expect(await outputs()).toEqual(expected);
      expect(Object.keys(expected)).toEqual(
        ['fact_order_items', 'fact_orders'].map(
          (t) => `processed/store_sales/${t}/order_year=2025/order_month=02/part-orders_2025_02.parquet`,
        ),
      );
    } finally {
      await lake.cleanup();
    }
  });

  it('re-runs a source whose duplicates the deleted one held, so its orders load now', async () => {
    await upload(JAN, orders(1, [1, 2]));
    await upload(JAN_L.replace('01.jsonl', '01_resent.json'), orders(1, [2, 3]));
    const resent = 'raw/store_sales/orders_2025_01_resent.json';
    await handler(events(record('ObjectCreated:Put', JAN, '10'), record('ObjectCreated:Put', resent, '10')));
    expect(await keys(STACK.quarantineBucket)).toEqual([
      'quarantine/store_sales/orders_2025_01_resent.jsonl',
    ]);

    await store(STACK.rawBucket).delete(JAN);
    const summary = await handler(events(record('ObjectRemoved:DeleteMarkerCreated', JAN, '20')));

    expect(summary.results).toMatchObject([{ sourceKey: resent, loaded: 2, quarantined: 0 }]);
    expect(await keys(STACK.quarantineBucket)).toEqual([]);
  });

  it('re-runs a source whose duplicates a re-uploaded holder no longer loads, after it', async () => {
    const resent = 'raw/store_sales/orders_2025_01_resent.json';
    await upload(JAN, orders(1, [1, 2]));
    await upload(resent, orders(1, [2, 3]));
    await handler(events(record('ObjectCreated:Put', JAN, '10'), record('ObjectCreated:Put', resent, '10')));

    await upload(JAN, orders(1, [1])); // order 2 is gone from the holder
    const summary = await handler(events(record('ObjectCreated:Put', JAN, '20')));

    expect(summary.results).toMatchObject([
      { sourceKey: JAN, loaded: 1, released: 1 },
      { sourceKey: resent, loaded: 2, quarantined: 0 },
    ]);
    expect(await keys(STACK.quarantineBucket)).toEqual([]);
    const ledger = await ledgerOf(resent);
    expect(ledger.holdersChanged).toBeUndefined();
    // a holder that only gains orders leaves its twin alone
    await upload(JAN, orders(1, [1, 4]));
    expect((await handler(events(record('ObjectCreated:Put', JAN, '30')))).results).toMatchObject([
      { sourceKey: JAN, loaded: 2 },
    ]);
  });

  it('a twin whose re-run fails stays flagged, and the retried event runs it', async () => {
    const resent = 'raw/store_sales/orders_2025_01_resent.json';
    await upload(JAN, orders(1, [1, 2]));
    await upload(resent, orders(1, [2, 3]));
    await handler(events(record('ObjectCreated:Put', JAN, '10'), record('ObjectCreated:Put', resent, '10')));
    await upload(JAN, orders(1, [1]));
    // the twin's raw object cannot be read, once
    bed.proxy.use(
      failFirst((c) => c.method === 'GET' && c.path.startsWith(`/${STACK.rawBucket}/${resent}`), 1, {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: '<Error><Code>AccessDenied</Code><Message>injected</Message></Error>',
      }),
    );
    const failed = await handler(events(record('ObjectCreated:Put', JAN, '20'))).catch((e: unknown) => e);
    bed.proxy.reset();
    expect(failed).toBeInstanceOf(Error);
    const ledger = await ledgerOf(resent);
    expect(ledger.holdersChanged).toEqual([JAN]);

    // Lambda's retry of the same event: the holder releases nothing now (its facts already lack
    // order 2), the flag alone re-runs the twin
    const retried = await handler(events(record('ObjectCreated:Put', JAN, '20')));

    expect(retried.results).toMatchObject([
      { sourceKey: JAN, loaded: 1 },
      { sourceKey: resent, loaded: 2, quarantined: 0 },
    ]);
    expect(retried.results[0]?.released).toBeUndefined();
    expect(await keys(STACK.quarantineBucket)).toEqual([]);
  });
});

describe('event ordering on AWS (sequencer)', () => {
  it('ignores an older put delivered after a newer one, comparing sequencers left-padded to equal length', async () => {
    const v1 = await upload(JAN, orders(1, [1]));
    const v2 = await upload(JAN, orders(1, [1, 2]));
    // "FF" < "100" once padded ("0FF"); as plain strings "FF" would sort after "100".
    await handler(events(record('ObjectCreated:Put', JAN, '100', v2)));
    const after = await outputs();

    const summary = await handler(events(record('ObjectCreated:Put', JAN, 'FF', v1)));

    expect(summary).toMatchObject({ results: [], stale: [JAN] });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'stale event ignored',
        key: JAN,
        sequencer: 'FF',
        applied: '100',
      }),
    );
    expect(await outputs()).toEqual(after);
    const ledger = await ledgerOf(JAN);
    expect(ledger).toEqual({
      key: JAN,
      event: 'put',
      sequencer: '100',
      versionId: v2,
      writeId: expect.any(String),
    });
  });

  it('ignores a stale put that arrives after the key’s delete: nothing is published again', async () => {
    await upload(JAN, orders(1, [1, 2]));
    await store(STACK.rawBucket).delete(JAN);
    await handler(events(record('ObjectRemoved:DeleteMarkerCreated', JAN, '0200')));

    const summary = await handler(events(record('ObjectCreated:Put', JAN, '01FF')));

    expect(summary).toMatchObject({ results: [], stale: [JAN] });
    expect(await outputs()).toEqual({});
  });

  it('ignores a delete whose key was put again since (the newer put’s event processes it)', async () => {
    await upload(JAN, orders(1, [1]));
    await handler(events(record('ObjectCreated:Put', JAN, '10')));
    const before = await outputs();

    const summary = await handler(events(record('ObjectRemoved:Delete', JAN, '20')));

    expect(summary).toMatchObject({ stale: [JAN], retired: [] });
    expect(await outputs()).toEqual(before);
  });

  it('discards a run when a newer event for the key is applied while it runs (checked before publishing)', async () => {
    await upload(JAN, orders(1, [1, 2, 3]));
    // The ledger as a newer event leaves it while this run reads: the first read (before the run)
    // sees nothing, every later one (the check before publishing) sees a delete with sequencer 30.
    const real = store(STACK.processedBucket);
    let ledgerReads = 0;
    const processed: ObjectStore = Object.assign(Object.create(real) as S3ObjectStore, {
      read: async (key: string) =>
        key.startsWith('state/sources/') && ledgerReads++ > 0
          ? {
              bytes: Buffer.from(JSON.stringify({ key: JAN, event: 'delete', sequencer: '30' })),
              version: 'v30',
            }
          : real.read(key),
    });
    const racing = createS3EventHandler({
      storeFor: store,
      processed,
      quarantine: store(STACK.quarantineBucket),
      log: jsonLogger('test', (line) => logged.push(JSON.parse(line))),
      options: { encoderThread: false },
    });

    const summary = await racing(events(record('ObjectCreated:Put', JAN, '20')));

    expect(summary).toMatchObject({ results: [], stale: [JAN] });
    expect(ledgerReads).toBe(2);
    expect(await outputs()).toEqual({});
  });
});

describe('colliding sources on AWS', () => {
  it('refuses a second raw file with the same base name: a quarantine record, nothing published', async () => {
    await upload(JAN, orders(1, [1, 2]));
    await handler(events(record('ObjectCreated:Put', JAN, '10')));
    const before = await outputs();
    await upload(JAN_L, orders(1, [7]));

    const summary = await handler(events(record('ObjectCreated:Put', JAN_L, '10')));

    expect(summary.refused).toEqual([
      { key: JAN_L, error: expect.stringMatching(/share the name "orders_2025_01"/) },
    ]);
    const refusal = 'quarantine/store_sales/_refused/orders_2025_01.jsonl.jsonl';
    const { [refusal]: recordHash, ...rest } = await outputs();
    expect(recordHash).toBeDefined();
    expect(rest).toEqual(before);
    const [line] = (await getBytes(bed.clients.s3, STACK.quarantineBucket, refusal))
      .toString()
      .trim()
      .split('\n');
    expect(JSON.parse(line!)).toMatchObject({ source_key: JAN_L, reason: 'colliding_source' });

    // Deleting one of the pair frees the other: it is processed and its refusal is cleared.
    await store(STACK.rawBucket).delete(JAN);
    const freed = await handler(events(record('ObjectRemoved:DeleteMarkerCreated', JAN, '20')));
    expect(freed.results).toMatchObject([{ sourceKey: JAN_L, loaded: 1 }]);
    expect(await keys(STACK.quarantineBucket)).toEqual([]);
  });
});

describe('concurrent invocations on AWS (leases and conditional ledger writes)', () => {
  const RESENT = 'raw/store_sales/orders_2025_01_resent.json';

  /**
   * One Lambda invocation of its own (the handler with its own stores, as a second container has),
   * noting in `timeline` when it starts reading a raw object and when it writes a ledger.
   */
  function invocation(
    id: string,
    timeline: string[],
    processedOverrides: Partial<ObjectStore> = {},
  ): (event: S3Event) => Promise<S3EventSummary> {
    const raw = store(STACK.rawBucket);
    const rawNoting: ObjectStore = Object.assign(Object.create(raw) as S3ObjectStore, {
      get: async (key: string) => {
        timeline.push(`${id} reads ${key.slice(key.lastIndexOf('/') + 1)}`);
        return raw.get(key);
      },
    });
    const real = store(STACK.processedBucket);
    const processed: ObjectStore = Object.assign(Object.create(real) as S3ObjectStore, {
      putIf: async (key: string, body: string, expected: string | null, options?: object) => {
        const written = await real.putIf(key, body, expected, options);
        if (written && key.startsWith('state/sources/'))
          timeline.push(`${id} records ${JSON.parse(body).key}`);
        return written;
      },
      ...processedOverrides,
    });
    return createS3EventHandler({
      storeFor: () => rawNoting,
      processed,
      quarantine: store(STACK.quarantineBucket),
      log: jsonLogger('test', (line) => logged.push(JSON.parse(line))),
      options: { encoderThread: false },
      leasePollMs: 50,
    });
  }

  it('runs two events of one key one after the other: the second waits for the first’s lease', async () => {
    await upload(JAN, orders(1, [1, 2, 3]));
    const timeline: string[] = [];

    const [a, b] = await Promise.all([
      invocation('A', timeline)(events(record('ObjectCreated:Put', JAN, '10'))),
      invocation('B', timeline)(events(record('ObjectCreated:Put', JAN, '20'))),
    ]);

    // never both at once: each run's read of the raw file is followed by its own ledger write
    const reads = timeline.filter((t) => t.includes(' reads '));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      const [who] = read.split(' ');
      expect(timeline[timeline.indexOf(read) + 1]).toBe(`${who} records ${JAN}`);
    }
    expect(logged.some((l) => l.message === 'source busy, waiting')).toBe(true);
    // whichever ran first, the newer event is the one applied last
    expect(await ledgerOf(JAN)).toMatchObject({ sequencer: '20' });
    expect([...a.results, ...b.results].every((r) => r.loaded === 3)).toBe(true);
    expect(await keys(STACK.processedBucket, 'state/leases/')).toEqual([]);
  });

  it.each([
    ['after the holder flagged it (the flag is in the ledger it starts from)', 'after'],
    ['before the holder flagged it (its ledger moves while it runs)', 'before'],
  ])('loses no order when a twin runs while its holder drops it: twin started %s', async (_, when) => {
    await upload(JAN, orders(1, [1, 2]));
    await upload(RESENT, orders(1, [2, 3]));
    await handler(events(record('ObjectCreated:Put', JAN, '10'), record('ObjectCreated:Put', RESENT, '10')));
    await upload(JAN, orders(1, [1])); // the holder drops order 2
    await upload(RESENT, orders(1, [2, 3])); // and the twin is uploaded again at the same moment
    const twinLedger = 'state/sources/orders_2025_01_resent.json.json';
    const timeline: string[] = [];
    const signal = () => {
      let fire!: () => void;
      const fired = new Promise<void>((r) => {
        fire = r;
      });
      return { fire, fired };
    };
    const [holderFlagged, twinOver] = [signal(), signal()];
    const real = store(STACK.processedBucket);
    // The holder publishes its facts only once the twin's invocation is over, so the twin stages
    // against the holder's old facts (order 2 still held there) and writes its ledger after the
    // holder flagged it.
    const holder = invocation('H', timeline, {
      put: async (key: string, body: PutBody, options?: PutOptions) => {
        if (key.startsWith('processed/store_sales/fact_orders/')) await twinOver.fired;
        return real.put(key, body, options);
      },
      putIf: async (key: string, body: string, expected: string | null, options?: PutOptions) => {
        const written = await real.putIf(key, body, expected, options);
        if (written && key === twinLedger) holderFlagged.fire();
        return written;
      },
    });
    const twin = invocation('T', timeline, {
      // started before the flag: it writes its ledger only once the holder has flagged it
      putIf: async (key: string, body: string, expected: string | null, options?: PutOptions) => {
        if (key === twinLedger) await holderFlagged.fired;
        return real.putIf(key, body, expected, options);
      },
    });
    const twinEvent = events(record('ObjectCreated:Put', RESENT, '20'));

    const startHolder = () => holder(events(record('ObjectCreated:Put', JAN, '20')));
    let holderRun: Promise<S3EventSummary> | undefined;
    if (when === 'after') {
      holderRun = startHolder();
      await holderFlagged.fired;
    }
    const twinRun = twin(twinEvent);
    if (when === 'before') {
      await vi.waitFor(() => expect(timeline).toContain('T reads orders_2025_01_resent.json'), {
        interval: 10,
      });
      holderRun = startHolder();
    }
    const twinSummary = await twinRun.finally(() => twinOver.fire());
    const holderSummary = await (holderRun as Promise<S3EventSummary>);

    // the twin's own run could not load order 2 (its holder's facts still had it) ...
    expect(twinSummary.results).toMatchObject([{ sourceKey: RESENT, loaded: 1, quarantined: 1 }]);
    // ... so the holder's invocation runs it again once its facts are published, and it loads it
    expect(holderSummary.results).toMatchObject([
      { sourceKey: JAN, loaded: 1, released: 1 },
      { sourceKey: RESENT, loaded: 2, quarantined: 0 },
    ]);
    expect(await keys(STACK.quarantineBucket)).toEqual([]);
    const ledger = await ledgerOf(RESENT);
    expect(ledger.holdersChanged).toBeUndefined();
  });

  it.each([
    ['publishing its facts', 'facts', '20'],
    ['writing its ledger', 'ledger', '20'],
    // a backfill event (no sequencer) writes the holder's ledger with the same content every
    // time: the twin looks at the holder's fact files
    ['writing its ledger, the holder backfilled twice', 'ledger', ''],
    // its facts published, the holder fails to write its ledger: the twin sees its facts changed
    ['writing its ledger, the holder failing after publishing', 'ledger', '20', 'holder fails'],
  ])(
    'loses no order when a twin’s first run reads its holder’s facts and the holder drops the order before the twin ends %s (it runs itself again)',
    async (_, gate, sequencer, holderFails?: string) => {
      await upload(JAN, orders(1, [1, 2]));
      await handler(events(record('ObjectCreated:Put', JAN, sequencer && '10')));
      await upload(JAN, orders(1, [1])); // the holder drops order 2 ...
      await upload(RESENT, orders(1, [2, 3])); // ... as a twin of it arrives for the first time
      const timeline: string[] = [];
      let reached!: () => void;
      const twinAtGate = new Promise<void>((r) => {
        reached = r;
      });
      let holderDone!: () => void;
      const holderOver = new Promise<void>((r) => {
        holderDone = r;
      });
      const real = store(STACK.processedBucket);
      const twinLedger = sourceLedgerKey(RESENT);
      // The twin has read the holder's old facts (order 2 still there); it publishes its facts, or
      // writes its ledger, only once the holder's whole invocation is over. Its ledger does not name
      // the holder yet, so the holder flags nothing.
      const twin = invocation('T', timeline, {
        put: async (key: string, body: PutBody, options?: PutOptions) => {
          if (gate === 'facts' && key.startsWith('processed/store_sales/fact_orders/')) {
            reached();
            await holderOver;
          }
          return real.put(key, body, options);
        },
        putIf: async (key: string, body: string, expected: string | null, options?: PutOptions) => {
          if (gate === 'ledger' && key === twinLedger) {
            reached();
            await holderOver;
          }
          return real.putIf(key, body, expected, options);
        },
      });

      const twinRun = twin(events(record('ObjectCreated:Put', RESENT, '10')));
      await twinAtGate;
      const holderLedger = sourceLedgerKey(JAN);
      const holder = invocation('H', timeline, {
        putIf: async (key: string, body: string, expected: string | null, options?: PutOptions) => {
          if (holderFails && key === holderLedger) throw new Error('injected: ledger write refused');
          return real.putIf(key, body, expected, options);
        },
      });
      const holderOutcome = await holder(events(record('ObjectCreated:Put', JAN, sequencer))).catch(
        (e: unknown) => e,
      );
      holderDone();
      const twinSummary = await twinRun;

      if (holderFails) expect(holderOutcome).toBeInstanceOf(Error);
      else
        expect((holderOutcome as S3EventSummary).results).toMatchObject([
          { sourceKey: JAN, loaded: 1, released: 1 },
        ]);
      // its first run quarantined order 2 as the holder's; then, the holder done, it ran again
      expect(twinSummary.results).toMatchObject([
        { sourceKey: RESENT, loaded: 1, quarantined: 1 },
        { sourceKey: RESENT, loaded: 2, quarantined: 0 },
      ]);
      expect(await keys(STACK.quarantineBucket)).toEqual([]);
      const ledger = await ledgerOf(RESENT);
      expect(ledger.holdersChanged).toBeUndefined();
    },
  );
});
