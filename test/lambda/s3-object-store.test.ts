import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ObjectNotFoundError } from '../../lambda/core/object-store.js';
import { createS3Client, S3ObjectStore } from '../../lambda/s3-object-store.js';

// Request/response mapping only, against a stub client; the moto suite (test/aws/) covers real S3 calls.
const stub = (reply: (command: unknown) => unknown) =>
  ({ send: async (c: unknown) => reply(c) }) as unknown as S3Client;

describe('S3ObjectStore', () => {
  it('lists every page of a prefix, sorted, with quotes stripped from ETags', async () => {
    const pages: Record<string, unknown> = {
      first: {
        Contents: [{ Key: 'p/b', Size: 2, ETag: '"bb"' }],
        IsTruncated: true,
        NextContinuationToken: 't2',
      },
      t2: { Contents: [{ Key: 'p/a', Size: 1, ETag: '"aa"' }], IsTruncated: false },
    };
    const store = new S3ObjectStore(
      stub((c) => {
        expect(c).toBeInstanceOf(ListObjectsV2Command);
        const input = (c as ListObjectsV2Command).input;
        expect(input).toMatchObject({ Bucket: 'lake', Prefix: 'p/' });
        return pages[input.ContinuationToken ?? 'first'];
      }),
      'lake',
    );

    const listed = await store.list('p/');

    expect(listed.map((o) => [o.key, o.size, o.etag])).toEqual([
      ['p/a', 1, 'aa'],
      ['p/b', 2, 'bb'],
    ]);
  });

  it('maps a missing key to ObjectNotFoundError on get and to undefined on head', async () => {
    const store = new S3ObjectStore(
      stub((c) => {
        if (c instanceof GetObjectCommand) throw new NoSuchKey({ message: 'no', $metadata: {} });
        if (c instanceof HeadObjectCommand) throw Object.assign(new Error('NotFound'), { name: 'NotFound' });
        throw new Error('unexpected command');
      }),
      'lake',
    );

    await expect(store.get('raw/store_sales/x.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.head('raw/store_sales/x.json')).toBeUndefined();
  });

  it('aims the client at a custom endpoint with path-style addressing (for moto)', async () => {
    const client = createS3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' });
    expect(await client.config.forcePathStyle).toBe(true);
    expect((await client.config.endpoint?.())?.hostname).toBe('127.0.0.1');
  });
});
