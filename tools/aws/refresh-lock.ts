import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { LAKE } from '../../contracts/lake-layout.js';
import type { RefreshLock } from '../lib/refresh-lock.js';

/** The lock object in the analytics bucket: who refreshes now, and until when at the latest. */
export const REFRESH_LOCK_KEY = `${LAKE.refreshLockPrefix}refresh.json`;
/** Written by a refresh that found the lock held: the holder refreshes again after it. */
export const REFRESH_PENDING_KEY = `${LAKE.refreshLockPrefix}refresh-pending.json`;
/**
 * How long a lock holds without being released: longer than any refresh (the runner's build
 * timeout is 60 minutes), so only a holder that died (a build stopped, a laptop closed) leaves one
 * this old, and the next refresh takes it over.
 */
export const REFRESH_LOCK_TTL_MS = 3 * 60 * 60 * 1000;

interface LockBody {
  holder: string;
  acquiredAt: string;
  expiresAt: string;
}

const status = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * The refresh lock on S3: one object created only if absent (`If-None-Match: *`, S3's conditional
 * write), so of two refreshes racing for it exactly one gets it. `now` is injectable for tests.
 */
export function s3RefreshLock(
  s3: S3Client,
  bucket: string,
  { now = () => new Date(), ttlMs = REFRESH_LOCK_TTL_MS } = {},
): RefreshLock {
  const readLock = async (): Promise<LockBody | undefined> => {
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: REFRESH_LOCK_KEY }));
      return JSON.parse((await res.Body?.transformToString()) ?? '') as LockBody;
    } catch (err) {
      if (status(err) === 404) return undefined;
      // an unreadable body: treat as expired, a holder always writes JSON
      if (err instanceof SyntaxError)
        return { holder: '?', acquiredAt: '', expiresAt: new Date(0).toISOString() };
      throw err;
    }
  };
  return {
    async acquire(holder) {
      // Three tries: the lock may be released, or expire and be removed, between our calls.
      for (let attempt = 0; attempt < 3; attempt++) {
        const at = now();
        const body: LockBody = {
          holder,
          acquiredAt: at.toISOString(),
          expiresAt: new Date(at.getTime() + ttlMs).toISOString(),
        };
        try {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: REFRESH_LOCK_KEY,
              Body: JSON.stringify(body),
              ContentType: 'application/json',
              IfNoneMatch: '*',
            }),
          );
          return { acquired: true };
        } catch (err) {
          // 412: it exists; 409: a concurrent conditional write to the same key is in flight
          if (status(err) !== 412 && status(err) !== 409) throw err;
        }
        const current = await readLock();
        if (!current) continue;
        if (new Date(current.expiresAt) > now()) {
          return { acquired: false, holder: current.holder, since: current.acquiredAt };
        }
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: REFRESH_LOCK_KEY }));
      }
      const current = await readLock();
      return { acquired: false, holder: current?.holder ?? '?', since: current?.acquiredAt ?? '' };
    },
    async release() {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: REFRESH_LOCK_KEY }));
    },
    async isHeld() {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: REFRESH_LOCK_KEY }));
        return true;
      } catch (err) {
        if (status(err) === 404) return false;
        throw err;
      }
    },
    async markPending() {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: REFRESH_PENDING_KEY, Body: now().toISOString() }),
      );
    },
    async pendingAt() {
      try {
        return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: REFRESH_PENDING_KEY })))
          .LastModified;
      } catch (err) {
        if (status(err) === 404) return undefined;
        throw err;
      }
    },
  };
}
