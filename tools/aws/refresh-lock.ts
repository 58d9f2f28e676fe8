import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LAKE } from '../../contracts/lake-layout.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import type { RefreshLock } from '../lib/refresh-lock.js';

/** The lock object in the analytics bucket: who refreshes now, and until when at the latest. */
export const REFRESH_LOCK_KEY = `${LAKE.refreshLockPrefix}refresh.json`;
/** Written by a refresh that found the lock held: the holder refreshes again after it. */
export const REFRESH_PENDING_KEY = `${LAKE.refreshLockPrefix}refresh-pending.json`;
/**
 * How long a lock holds without being released: longer than a refresh may take on the runner
 * (its build timeout is 60 minutes), so only a holder that died (a build stopped, a laptop
 * closed) leaves one this old, and the next refresh takes it over.
 */
export const REFRESH_LOCK_TTL_MS = 90 * 60 * 1000;

interface LockBody {
  holder: string;
  acquiredAt: string;
  expiresAt: string;
}

const status = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * The refresh lock on S3, by conditional writes only, so that of several refreshes racing exactly
 * one wins: taking a free lock creates the object if absent (`If-None-Match: *`); taking over an
 * expired one replaces that very version (`If-Match` its ETag); releasing deletes only the version
 * the holder wrote (`If-Match` its token, the ETag). `now` is injectable for tests.
 */
export function s3RefreshLock(
  s3: S3Client,
  bucket: string,
  { now = () => new Date(), ttlMs = REFRESH_LOCK_TTL_MS } = {},
): RefreshLock {
  // plain reads and writes as the ETL's store does them; the conditional writes below are the lock's own
  const store = new S3ObjectStore(s3, bucket);
  const readLock = async (): Promise<{ body: LockBody; etag: string } | undefined> => {
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: REFRESH_LOCK_KEY }));
      const text = (await res.Body?.transformToString()) ?? '';
      let body: LockBody;
      try {
        body = JSON.parse(text) as LockBody;
      } catch {
        // not a lock this code wrote: expired, so it can be taken over
        body = { holder: '?', acquiredAt: '', expiresAt: new Date(0).toISOString() };
      }
      return { body, etag: res.ETag ?? '' };
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  };
  /** Writes our lock: created if absent, or replacing exactly the version `replacing`. */
  const write = async (holder: string, replacing?: string): Promise<string | undefined> => {
    const at = now();
    const body: LockBody = {
      holder,
      acquiredAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + ttlMs).toISOString(),
    };
    try {
      const res = await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: REFRESH_LOCK_KEY,
          Body: JSON.stringify(body),
          ContentType: 'application/json',
          ...(replacing ? { IfMatch: replacing } : { IfNoneMatch: '*' }),
        }),
      );
      return res.ETag;
    } catch (err) {
      // 412: another refresh wrote first; 409: a conditional write to the key is in flight;
      // 404: the version to replace is gone (released)
      if ([412, 409, 404].includes(status(err) ?? 0)) return undefined;
      throw err;
    }
  };
  return {
    async acquire(holder) {
      // A few tries: the lock may be released, or taken over, between our calls.
      for (let attempt = 0; attempt < 3; attempt++) {
        const created = await write(holder);
        if (created) return { acquired: true, token: created };
        const current = await readLock();
        if (!current) continue;
        if (new Date(current.body.expiresAt) > now()) {
          return { acquired: false, holder: current.body.holder, since: current.body.acquiredAt };
        }
        const taken = await write(holder, current.etag);
        if (taken) return { acquired: true, token: taken };
      }
      const current = await readLock();
      return { acquired: false, holder: current?.body.holder ?? '?', since: current?.body.acquiredAt ?? '' };
    },
    async release(token) {
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: REFRESH_LOCK_KEY, IfMatch: token }));
      } catch (err) {
        // 412: taken over since (this holder outlived its expiry); 404: already gone
        if (status(err) !== 412 && status(err) !== 404) throw err;
      }
    },
    isHeld: async () => (await store.head(REFRESH_LOCK_KEY)) !== undefined,
    // a body of its own (hence an ETag of its own) per request: two in the same second differ
    markPending: () => store.put(REFRESH_PENDING_KEY, `${now().toISOString()} ${randomUUID()}`),
    pending: async () => (await store.head(REFRESH_PENDING_KEY))?.etag,
  };
}
