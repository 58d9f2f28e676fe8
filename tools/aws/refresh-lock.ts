import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { LAKE } from '../../contracts/lake-layout.js';
import { releaseLease, renewLease, tryAcquireLease } from '../../lambda/core/lease.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { REFRESH_LOCK_TTL_MS, type RefreshLock } from '../lib/refresh-lock.js';

/** The lock object in the analytics bucket: who refreshes now, and until when at the latest. */
export const REFRESH_LOCK_KEY = `${LAKE.refreshLockPrefix}refresh.json`;
/** Written by a refresh that found the lock held: the holder refreshes again after it. */
export const REFRESH_PENDING_KEY = `${LAKE.refreshLockPrefix}refresh-pending.json`;
/**
 * The refresh lock on S3: a lease (`lambda/core/lease.ts`, conditional writes only), so that of
 * several refreshes racing exactly one wins, and one that died is taken over once expired. `now`
 * is injectable for tests.
 */
export function s3RefreshLock(s3: S3Client, bucket: string, { now = () => new Date() } = {}): RefreshLock {
  const store = new S3ObjectStore(s3, bucket);
  const ttlMs = REFRESH_LOCK_TTL_MS;
  return {
    ttlMs,
    acquire: (holder, opts) => tryAcquireLease(store, REFRESH_LOCK_KEY, holder, { ttlMs, now, ...opts }),
    renew: (holder, token) => renewLease(store, REFRESH_LOCK_KEY, holder, token, { ttlMs, now }),
    // false (taken over since) leaves nothing to release; a lock still ours that cannot be deleted throws
    release: async (token, holder) => {
      await releaseLease(store, REFRESH_LOCK_KEY, token, holder);
    },
    isHeld: async () => (await store.head(REFRESH_LOCK_KEY)) !== undefined,
    // a body of its own (hence an ETag of its own) per request: two in the same second differ
    markPending: () => store.put(REFRESH_PENDING_KEY, `${now().toISOString()} ${randomUUID()}`),
    pending: async () => (await store.head(REFRESH_PENDING_KEY))?.etag,
  };
}
