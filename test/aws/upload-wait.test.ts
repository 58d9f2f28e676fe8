import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { S3EventSummary } from '../../lambda/s3-event-handler.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { SHA256_METADATA, uploadRawFiles } from '../../tools/aws/upload.js';
import { type UploadedVersion, waitForEtl } from '../../tools/aws/wait-for-etl.js';
import { jsonLines, validOrder } from '../lambda/support/orders.js';
import { headObject, listKeys, sha256 } from './support/buckets.js';
import { failFirst } from './support/fault-proxy.js';
import { handlerOnTestbed, s3EventRecord, s3Events } from './support/s3-events.js';
import { STACK, stackFlags, useTestbed } from './support/testbed.js';

// `ops upload --wait` against moto S3 with a versioned raw bucket. moto cannot run the function on
// S3 notifications (that needs Docker), so the test delivers them: the real handler module, called
// with the notification S3 sends for each uploaded version, as Lambda would.

const bed = useTestbed();
const JAN = 'raw/store_sales/orders_2025_01.json';
const FEB = 'raw/store_sales/orders_2025_02.json';
const root = path.resolve(import.meta.dirname, '..', '..');

let handler: (event: S3Event) => Promise<S3EventSummary>;
let lake: string;
let sequencer = 0x100;

const rawFile = (key: string) => path.join(lake, ...key.split('/'));
/** The notification S3 sends for a put of `key` at `versionId` (sequencers grow per put). */
const putEvent = (key: string, versionId: string) =>
  s3Events(s3EventRecord('ObjectCreated:Put', key, (sequencer++).toString(16), versionId));
/**
 * Lambda's part: runs the function on the put of each uploaded version. A file refused as a whole
 * fails its invocation (for Lambda's retries and the failure queue), after its run is recorded.
 */
const deliver = async (uploaded: UploadedVersion[]) => {
  for (const u of uploaded) {
    await handler(putEvent(u.key, u.versionId as string)).catch((err: Error) => {
      if (err.name !== 'EtlBatchError') throw err;
    });
  }
};
const upload = () => uploadRawFiles({ s3: bed.clients.s3, bucket: STACK.rawBucket, lake });
const wait = (uploaded: UploadedVersion[], timeoutMs = 20_000) =>
  waitForEtl({
    s3: bed.clients.s3,
    rawBucket: STACK.rawBucket,
    processedBucket: STACK.processedBucket,
    quarantineBucket: STACK.quarantineBucket,
    uploaded,
    timeoutMs,
    initialDelayMs: 50,
    maxDelayMs: 200,
  });
const RESENT = 'raw/store_sales/orders_2025_01_resent.json';
/**
 * January holds order 2 and the resent file repeats it (quarantined there as a duplicate), both
 * run; then January drops order 2 and the resent file becomes `resentNext`: both uploaded again
 * (not run), January's version first. January's run will owe the resent file a re-run.
 */
async function holderDropsTwinsOrder(resentNext: string): Promise<UploadedVersion[]> {
  await rm(rawFile(FEB));
  await writeFile(rawFile(JAN), jsonLines([validOrder(1, 2025, 1), validOrder(2, 2025, 1)]));
  await writeFile(rawFile(RESENT), jsonLines([validOrder(2, 2025, 1), validOrder(3, 2025, 1)]));
  await deliver((await upload()).uploaded);
  await writeFile(rawFile(JAN), jsonLines([validOrder(1, 2025, 1)]));
  await writeFile(rawFile(RESENT), resentNext);
  return (await upload()).uploaded;
}
/** Whether a promise has settled by now (after a few of the wait's checks). */
const settledSoon = async (p: Promise<unknown>) => {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(600);
  return settled;
};

beforeAll(async () => {
  const mod = await handlerOnTestbed(bed);
  handler = async (event) => {
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      return await mod.handler(event);
    } finally {
      quiet.mockRestore();
    }
  };
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(async () => {
  for (const bucket of [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]) {
    const store = new S3ObjectStore(bed.clients.s3, bucket);
    for (const { key } of await listKeys(bed.clients.s3, bucket, '')) await store.delete(key);
  }
  lake = await mkdtemp(path.join(os.tmpdir(), 'upload-wait-'));
  await mkdir(path.dirname(rawFile(JAN)), { recursive: true });
  // January loads two orders and quarantines a broken line; February is empty: refused whole.
  await writeFile(
    rawFile(JAN),
    `${jsonLines([validOrder(1, 2025, 1), validOrder(2, 2025, 1)])}{"order_id": "x"\n`,
  );
  await writeFile(rawFile(FEB), '');
  return () => rm(lake, { recursive: true, force: true });
});

describe('waitForEtl (moto S3, versioned raw bucket)', () => {
  it('returns once the function has applied every uploaded version, with what it made of each', async () => {
    const { uploaded } = await upload();
    expect(uploaded.map((u) => [u.key, typeof u.versionId])).toEqual([
      [JAN, 'string'],
      [FEB, 'string'],
    ]);

    const waiting = wait(uploaded);
    expect(await settledSoon(waiting)).toBe(false);
    await deliver(uploaded.slice(0, 1));
    expect(await settledSoon(waiting)).toBe(false); // February still to come
    await deliver(uploaded.slice(1));

    expect(await waiting).toEqual([
      { key: JAN, state: 'applied', quarantined: 1 },
      { key: FEB, state: 'refused', reason: 'empty_file' },
    ]);
  });

  it('waits for the re-run its holder owes a twin, and takes the version that re-run read', async () => {
    // January holds order 2, the resent file repeats it (quarantined as a duplicate); then both
    // change: the resent file's event runs first, still finding order 2 in January's facts, then
    // January's run, which no longer loads order 2, owes the resent file a re-run (no event of
    // its own). That re-run fails once (its raw object unreadable): the resent file stays flagged,
    // and the wait with it, until Lambda's retry of January's event runs it.
    const uploaded = await holderDropsTwinsOrder(jsonLines([validOrder(2, 2025, 1), validOrder(4, 2025, 1)]));
    const [jan, resentVersion] = [uploaded[0], uploaded[1]] as [UploadedVersion, UploadedVersion];
    const waiting = wait(uploaded);
    await deliver([resentVersion]);
    bed.proxy.use(
      failFirst((c) => c.method === 'GET' && c.path.startsWith(`/${STACK.rawBucket}/${RESENT}`), 1, {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: '<Error><Code>AccessDenied</Code><Message>injected</Message></Error>',
      }),
    );
    const janEvent = putEvent(JAN, jan.versionId as string);
    expect(await handler(janEvent).catch((e: unknown) => e)).toBeInstanceOf(Error);
    bed.proxy.reset();
    expect(await settledSoon(waiting)).toBe(false); // January has run, its twin not again yet

    await handler(janEvent); // Lambda's retry

    expect(await waiting).toEqual([
      { key: JAN, state: 'applied', quarantined: 0 },
      { key: RESENT, state: 'applied', quarantined: 0 },
    ]);
  });

  it('settles a refused twin whatever its flags: a refusal publishes nothing', async () => {
    // The resent file repeats January's order 2; then January drops it and the resent file
    // arrives empty. Its refusal keeps the flag January's run sets on it ("run again after me"),
    // and the re-run January owes it refuses it again: nothing left to wait for.
    const uploaded = await holderDropsTwinsOrder('');
    const waiting = wait(uploaded);

    await deliver([...uploaded].reverse());

    expect(await waiting).toEqual([
      { key: JAN, state: 'applied', quarantined: 0 },
      { key: RESENT, state: 'refused', reason: 'empty_file' },
    ]);
  });

  it('reports a file refused for sharing its base name with another raw file', async () => {
    await rm(rawFile(FEB));
    await deliver((await upload()).uploaded);
    await writeFile(rawFile(`${JAN}l`), jsonLines([validOrder(5, 2025, 1)]));
    const { uploaded } = await upload();
    expect(uploaded.map((u) => u.key)).toEqual([`${JAN}l`]);
    const waiting = wait(uploaded);

    await deliver(uploaded);

    expect(await waiting).toEqual([{ key: `${JAN}l`, state: 'refused', reason: 'colliding_source' }]);
  });

  it("does not take an earlier version's run for the new one, and ends at the timeout naming the file", async () => {
    await rm(rawFile(FEB));
    await deliver((await upload()).uploaded);
    await writeFile(rawFile(JAN), jsonLines([validOrder(3, 2025, 1)]));
    const { uploaded } = await upload(); // January's second version; its run never comes

    const err = await wait(uploaded, 1_500).catch((e: unknown) => e);

    expect(err).toMatchObject({
      code: 'ETL_WAIT_TIMEOUT',
      message: expect.stringMatching(
        /had not run orders_2025_01\.json within 2 s; the upload itself is complete/,
      ),
      hint: expect.stringContaining('`npx ops etl --target aws --file orders_2025_01.json`'),
    });
  });

  it('stops waiting for a version replaced or deleted in the bucket since: its successor decides', async () => {
    const { uploaded } = await upload();
    await bed.clients.s3.send(
      new PutObjectCommand({ Bucket: STACK.rawBucket, Key: JAN, Body: 'replaced\n' }),
    );
    await new S3ObjectStore(bed.clients.s3, STACK.rawBucket).delete(FEB); // a delete marker

    expect(await wait(uploaded)).toEqual([
      { key: JAN, state: 'superseded' },
      { key: FEB, state: 'superseded' },
    ]);
  });

  it('refuses to wait on a bucket that gives no versions', async () => {
    const err = await wait([{ key: JAN }]).catch((e: unknown) => e);

    expect(err).toMatchObject({
      code: 'WAIT_NEEDS_VERSIONING',
      message: expect.stringContaining(`s3://${STACK.rawBucket} gave the upload none`),
    });
  });
});

describe('ops upload --target aws --wait (moto)', () => {
  it('uploads, shows its wait, reports each file once run, and exits 1 for a file refused', async () => {
    const cli = new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const flags = Object.entries(stackFlags(bed.proxy.url)).flatMap(([k, v]) => [`--${k}`, v]);
      execFile(
        process.execPath,
        ['--import', 'tsx', 'tools/ops.ts', 'upload', '--wait', '--lake', lake, '--target', 'aws', ...flags],
        { cwd: root },
        (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
    // Lambda's part: each version, once its upload has completed (its sha256 is the file's).
    for (const key of [JAN, FEB]) {
      const want = sha256(await readFile(rawFile(key)));
      let head = await headObject(bed.clients.s3, STACK.rawBucket, key).catch(() => undefined);
      for (let i = 0; head?.Metadata?.[SHA256_METADATA] !== want && i < 300; i++) {
        await sleep(100);
        head = await headObject(bed.clients.s3, STACK.rawBucket, key).catch(() => undefined);
      }
      await deliver([{ key, versionId: head?.VersionId as string }]);
    }

    const result = await cli;

    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('upload: waiting for the ETL Lambda, 0 of 2 file(s) done');
    expect(result.stdout).toMatch(/upload: 2 file\(s\) uploaded, 0 unchanged/);
    expect(result.stdout).toContain(
      '1 of 2 applied by the ETL function: orders_2025_01.json (1 quarantined), orders_2025_02.json refused (empty_file; the month keeps its previous facts)',
    );
    expect(result.stderr).toContain(
      'error [ETL_FAILED]: the ETL function refused 1 uploaded file(s): orders_2025_02.json (empty_file)',
    );
  });
});
