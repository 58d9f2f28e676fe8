import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainAwsError } from '../../tools/aws/session.js';
import { SHA256_METADATA, UPLOAD_PART_BYTES, uploadRawFiles } from '../../tools/aws/upload.js';
import { createBuckets, getBytes, headObject, listKeys, sha256 } from './support/buckets.js';
import { failFirst } from './support/fault-proxy.js';
import { STACK, useTestbed } from './support/testbed.js';

const bed = useTestbed();
let lake: string;
const rawFile = (name: string) => path.join(lake, 'raw', 'store_sales', name);
const upload = (onProgress?: (sent: number, total: number) => void) =>
  uploadRawFiles({
    s3: bed.clients.s3,
    bucket: STACK.rawBucket,
    lake,
    concurrency: 2,
    ...(onProgress ? { onProgress } : {}),
  });

beforeAll(async () => {
  await createBuckets(bed.clients.s3, [STACK.rawBucket]);
  lake = await mkdtemp(path.join(os.tmpdir(), 'aws-upload-'));
  await mkdir(path.dirname(rawFile('x')), { recursive: true });
  await writeFile(rawFile('orders_2025_01.json'), '{"order_id":"A"}\n{"order_id":"B"}\n');
  await writeFile(rawFile('orders_2025_02.json'), '{"order_id":"C"}\n');
  // Above the part size, so it goes up in two parts.
  const big = Buffer.alloc(UPLOAD_PART_BYTES + 1024 * 1024);
  for (let i = 0; i < big.length; i += 1) big[i] = (i * 31 + (i >> 12)) % 251;
  await writeFile(rawFile('orders_2025_03.json'), big);
  await writeFile(rawFile('README.txt'), 'not a raw source\n');
});
afterAll(() => rm(lake, { recursive: true, force: true }));

describe('uploadRawFiles (moto S3)', () => {
  it('uploads every raw file under its lake key; listing and content match the lake', async () => {
    const seen: [number, number][] = [];

    const summary = await upload((sent, total) => seen.push([sent, total]));

    const names = ['orders_2025_01.json', 'orders_2025_02.json', 'orders_2025_03.json'];
    const listed = await listKeys(bed.clients.s3, STACK.rawBucket, 'raw/');
    const local = await Promise.all(names.map((n) => readFile(rawFile(n))));
    expect(listed).toEqual(names.map((n, i) => ({ key: `raw/store_sales/${n}`, size: local[i]?.length })));
    for (const [i, n] of names.entries()) {
      const remote = await getBytes(bed.clients.s3, STACK.rawBucket, `raw/store_sales/${n}`);
      expect(sha256(remote)).toBe(sha256(local[i] as Buffer));
    }
    expect(summary.uploaded.map((u) => [u.key.slice(16), u.multipart])).toEqual([
      ['orders_2025_01.json', false],
      ['orders_2025_02.json', false],
      ['orders_2025_03.json', true],
    ]);
    const big = await headObject(bed.clients.s3, STACK.rawBucket, 'raw/store_sales/orders_2025_03.json');
    expect(big.ETag).toMatch(/-2"$/);
    expect(big.Metadata?.[SHA256_METADATA]).toBe(sha256(local[2] as Buffer));
    expect(seen.at(-1)).toEqual([summary.bytes, summary.bytes]);
  });

  it('skips unchanged files by SHA-256 and uploads a changed one of the same size', async () => {
    await writeFile(rawFile('orders_2025_02.json'), '{"order_id":"D"}\n');

    const summary = await upload();

    expect(summary.uploaded.map((u) => u.key)).toEqual(['raw/store_sales/orders_2025_02.json']);
    expect(summary.skipped).toEqual([
      'raw/store_sales/orders_2025_01.json',
      'raw/store_sales/orders_2025_03.json',
    ]);
    expect(
      (await getBytes(bed.clients.s3, STACK.rawBucket, 'raw/store_sales/orders_2025_02.json')).toString(),
    ).toBe('{"order_id":"D"}\n');
  });

  it('retries a transient S3 error (503 SlowDown) and completes the upload', async () => {
    await writeFile(rawFile('orders_2025_04.json'), '{"order_id":"E"}\n');
    const isPut = (c: { method: string; path: string }) =>
      c.method === 'PUT' && c.path.includes('orders_2025_04');
    bed.proxy.use(
      failFirst(isPut, 1, {
        status: 503,
        headers: { 'content-type': 'application/xml' },
        body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
      }),
    );

    const summary = await upload();

    expect(summary.uploaded.map((u) => u.key)).toEqual(['raw/store_sales/orders_2025_04.json']);
    expect(bed.proxy.calls.filter(isPut)).toHaveLength(2);
  });

  it("puts the lake's FX reference first, and refuses one the ETL would refuse, uploading nothing", async () => {
    const reference = path.join(lake, 'reference', 'fx_rates.csv');
    await mkdir(path.dirname(reference), { recursive: true });
    await writeFile(reference, 'month,currency,rate_to_usd\n2026-01,GBP,1.27\n2026-01,GBP,oops\n');
    await writeFile(rawFile('orders_2025_05.json'), '{"order_id":"F"}\n');

    await expect(upload()).rejects.toMatchObject({
      code: 'FX_REFERENCE_INVALID',
      message: expect.stringContaining('line 3'),
      hint: expect.stringContaining('`npx ops upload --target aws`'),
    });
    const keys = (await listKeys(bed.clients.s3, STACK.rawBucket, '')).map((k) => k.key);
    expect(keys).not.toContain('reference/fx_rates.csv');
    expect(keys).not.toContain('raw/store_sales/orders_2025_05.json');

    await writeFile(reference, 'month,currency,rate_to_usd\n2026-01,GBP,1.27\n');
    expect(await upload()).toMatchObject({ fxReference: 'uploaded' });
    expect((await getBytes(bed.clients.s3, STACK.rawBucket, 'reference/fx_rates.csv')).toString()).toBe(
      'month,currency,rate_to_usd\n2026-01,GBP,1.27\n',
    );
    await rm(path.dirname(reference), { recursive: true });
  });

  it('names the request that failed: a bucket the stack lacks (AWS_NO_BUCKET), a refusal (AWS_ACCESS_DENIED)', async () => {
    const missing = await uploadRawFiles({
      s3: bed.clients.s3,
      bucket: 'no-such-bucket',
      lake,
      concurrency: 1,
    }).catch((e: unknown) => e);
    expect(explainAwsError(missing, bed.config)).toMatchObject({
      code: 'AWS_NO_BUCKET',
      message: expect.stringMatching(/^the bucket of \w+Object s3:\/\/no-such-bucket\/\S+ does not exist$/),
      hint: expect.stringContaining('terraform output -json'),
    });

    // S3 answers a HEAD it refuses with a bare 403, which the SDK calls UnknownError
    await writeFile(rawFile('orders_2025_06.json'), '{"order_id":"G"}\n');
    const isHead = (c: { method: string; path: string }) =>
      c.method === 'HEAD' && c.path.includes('orders_2025_06');
    bed.proxy.use(failFirst(isHead, 1, { status: 403, headers: {}, body: '' }));
    const denied = await upload().catch((e: unknown) => e);
    expect(explainAwsError(denied, bed.config)).toMatchObject({
      code: 'AWS_ACCESS_DENIED',
      message: expect.stringMatching(
        new RegExp(
          `^AWS refused the request HeadObject s3://${STACK.rawBucket}/raw/store_sales/orders_2025_06\\.json: `,
        ),
      ),
    });
  });
});
