import type { ObjectStore } from './object-store.js';

/**
 * A lease: an object in a store that says who works on something now, and until when at the
 * latest. Taken and released by conditional writes only (`ObjectStore.putIf`/`deleteIf`), so that
 * of several takers racing exactly one wins, on S3 as on a local lake: a free lease is created if
 * absent; an expired one (its holder died) is replaced in that very version; releasing deletes
 * only the version the holder wrote. Used for the refresh lock (`tools/aws/refresh-lock.ts`) and
 * for the Lambda's one run per raw key at a time (`lambda/s3-event-handler.ts`).
 */
export interface LeaseBody {
  holder: string;
  acquiredAt: string;
  expiresAt: string;
}

export type LeaseAttempt =
  | { acquired: true; token: string }
  /** Held by `holder` since `since`, until `expiresAt` unless renewed (ISO; '' when unknown). */
  | { acquired: false; holder: string; since: string; expiresAt: string };

export interface LeaseOptions {
  /** How long the lease holds unless released: longer than its holder can live. */
  ttlMs: number;
  now?: () => Date;
}

export interface AcquireOptions extends LeaseOptions {
  /**
   * A holder known to have died before its lease expired (on AWS: a build CodeBuild reported
   * complete and failed or timed out). Its lease is taken over at once, in its version, as an
   * expired one is.
   */
  deadHolder?: string;
}

/** The lease object at `key`, parsed; one this code did not write counts as expired. */
export async function readLease(
  store: ObjectStore,
  key: string,
): Promise<{ body: LeaseBody; version: string } | undefined> {
  const current = await store.read(key);
  if (!current) return undefined;
  try {
    const body = JSON.parse(current.bytes.toString('utf8')) as LeaseBody;
    if (typeof body?.expiresAt === 'string') return { body, version: current.version };
  } catch {
    // not a lease: treated as expired below
  }
  return {
    body: { holder: '?', acquiredAt: '', expiresAt: new Date(0).toISOString() },
    version: current.version,
  };
}

const JSON_OBJECT = { contentType: 'application/json' };

/** A lease's stored text: held by `holder` since `acquiredAt`, until `ttlMs` after `at`. */
function leaseBody(holder: string, acquiredAt: string, at: Date, ttlMs: number): string {
  const body: LeaseBody = { holder, acquiredAt, expiresAt: new Date(at.getTime() + ttlMs).toISOString() };
  return JSON.stringify(body);
}

/** True while someone holds the lease at `key` (present and not expired). */
export async function isLeaseHeld(store: ObjectStore, key: string, now = () => new Date()): Promise<boolean> {
  const lease = await readLease(store, key);
  return Boolean(lease && new Date(lease.body.expiresAt) > now());
}

/**
 * Takes the lease at `key` for `holder` if it is free or expired, or already `holder`'s (a write
 * whose answer was lost, or a holder taking its own lease back after a release that failed): that
 * one is written again, so its expiry is a whole TTL from now as for any lease taken. Never waits.
 * A lease of `deadHolder` is taken over as if expired.
 */
export async function tryAcquireLease(
  store: ObjectStore,
  key: string,
  holder: string,
  { ttlMs, now = () => new Date(), deadHolder }: AcquireOptions,
): Promise<LeaseAttempt> {
  const body = (): string => {
    const at = now();
    return leaseBody(holder, at.toISOString(), at, ttlMs);
  };
  // A few tries: the lease may be released, or taken over, between our calls.
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await store.putIf(key, body(), null, JSON_OBJECT);
    if (created) return { acquired: true, token: created };
    const current = await readLease(store, key);
    if (!current) continue;
    const ours = current.body.holder === holder;
    const dead = deadHolder !== undefined && current.body.holder === deadHolder;
    if (!ours && !dead && new Date(current.body.expiresAt) > now())
      return {
        acquired: false,
        holder: current.body.holder,
        since: current.body.acquiredAt,
        expiresAt: current.body.expiresAt,
      };
    // expired, dead or ours: replaced in that very version (a race lost here is tried again)
    const taken = await store.putIf(key, body(), current.version, JSON_OBJECT);
    if (taken) return { acquired: true, token: taken };
  }
  const current = await readLease(store, key);
  return {
    acquired: false,
    holder: current?.body.holder ?? '?',
    since: current?.body.acquiredAt ?? '',
    expiresAt: current?.body.expiresAt ?? '',
  };
}

/**
 * Extends a lease still at version `token` by another `ttlMs` from now, for a holder that works
 * longer than one TTL. Returns the new token; `token` itself when the write lost a race but the
 * lease is still that version (S3 answers 409 while another conditional write to the key, such as
 * a waiter's, is in flight); undefined when the lease was taken over (or released) since: the
 * holder has lost it.
 */
export async function renewLease(
  store: ObjectStore,
  key: string,
  holder: string,
  token: string,
  { ttlMs, now = () => new Date() }: LeaseOptions,
): Promise<string | undefined> {
  const ours = (lease: Awaited<ReturnType<typeof readLease>>, version: string) =>
    lease !== undefined && (lease.version === version || lease.body.holder === holder);
  const current = await readLease(store, key);
  // a version other than `token` that names this holder: a renewal whose answer was lost
  if (!current || !ours(current, token)) return undefined;
  const body = leaseBody(holder, current.body.acquiredAt, now(), ttlMs);
  const renewed = await store.putIf(key, body, current.version, JSON_OBJECT);
  if (renewed) return renewed;
  const after = await readLease(store, key);
  return after && ours(after, current.version) ? after.version : undefined;
}

/**
 * Releases the lease if it is still the version `token` (not taken over since its expiry), or a
 * version that names `holder` (a renewal whose answer was lost). A delete that loses a race while
 * the lease is still the caller's (S3 answers 409 while a waiter's conditional write is in flight)
 * is tried again, 5 times in all; then it throws, the lease still the caller's. False when the
 * lease had passed to another holder.
 */
export async function releaseLease(
  store: ObjectStore,
  key: string,
  token: string,
  holder?: string,
): Promise<boolean> {
  let version = token;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await store.deleteIf(key, version)) return true;
    const current = await readLease(store, key);
    if (!current) return true;
    if (current.version !== version && current.body.holder !== holder) return false;
    version = current.version;
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
  }
  throw new Error(`${key}: every delete of the lease lost a race with another write`);
}

/**
 * A lease its holder keeps while it works (`keepLease`). `lost` once a renewal found it taken over
 * or released; `safeUntil` (ms since the epoch) three quarters of a TTL after the last successful
 * renewal began: past it renewals may be failing, and another taker could have the lease at the
 * TTL, so the holder must not start what only one holder may do (publishing).
 */
export interface KeptLease {
  readonly lost: boolean;
  readonly safeUntil: number;
  /** Stops renewing, after the renewal in flight if any; resolves to the lease's current token. */
  stop(): Promise<string>;
}

/**
 * Renews a lease taken at `takenAt` (ms; asked for then) with `token` every quarter of `ttlMs`,
 * one renewal at a time, each a quarter of the TTL after the previous one ended, so each replaces
 * the version the one before wrote. `renew` is `renewLease` bound to the lease's store, key and
 * holder. A failed renewal is passed to `onError` and is not a loss: the next one retries; only a
 * renewal that finds the lease gone or another holder's marks it lost, and ends the renewals.
 */
export function keepLease(
  token: string,
  {
    ttlMs,
    takenAt,
    renew,
    onError,
  }: {
    ttlMs: number;
    takenAt: number;
    renew: (token: string) => Promise<string | undefined>;
    onError: (err: unknown) => void;
  },
): KeptLease {
  let current = token;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> = Promise.resolve();
  const kept = {
    lost: false,
    safeUntil: takenAt + (ttlMs * 3) / 4,
    stop: async (): Promise<string> => {
      stopped = true;
      clearTimeout(timer);
      await renewing;
      return current;
    },
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      const renewedAt = Date.now();
      renewing = renew(current)
        .then((next) => {
          if (!next) kept.lost = true;
          else if (next !== current) {
            current = next;
            kept.safeUntil = renewedAt + (ttlMs * 3) / 4;
          }
          // the same token: the write lost a race (S3's 409) and the lease was not extended
        }, onError)
        .then(() => {
          if (!kept.lost && !stopped) schedule();
        });
    }, ttlMs / 4);
  };
  schedule();
  return kept;
}
