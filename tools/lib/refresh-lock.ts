import type { AcquireOptions, LeaseAttempt } from '../../lambda/core/lease.js';

/**
 * How long the lock holds unless renewed. Its holder renews it every quarter of this (2.5
 * minutes) for as long as it refreshes, so only a holder that died (a build stopped, a laptop
 * closed), or ended without releasing it, leaves one this old: a refresh started once it has
 * missed two renewals waits for it to lapse and takes it over (`serializedRefresh`). The lock of a
 * build that failed or timed out is taken over at once by the build recovering it.
 */
export const REFRESH_LOCK_TTL_MS = 10 * 60 * 1000;

/**
 * The lock that lets one refresh at a time publish to a shared deployment (`Target.refreshLock`,
 * `serializedRefresh` in tools/commands/refresh.ts; on AWS tools/aws/refresh-lock.ts).
 */
export interface RefreshLock {
  /**
   * Takes the lock for `holder` (its `token` releases it), or says who holds it. A lock past its
   * expiry (a holder that died) is taken over by exactly one of the refreshes that find it so, as
   * is one held by `deadHolder` (a holder known to have died: a build CodeBuild reported failed).
   */
  acquire(holder: string, opts?: Pick<AcquireOptions, 'deadHolder'>): Promise<LeaseAttempt>;
  /**
   * How long the lock holds unless renewed: its holder renews it every quarter of this while it
   * refreshes (`keepLease`), so a holder that died (a build stopped, a laptop closed) leaves it
   * to the next refresh this long after its last renewal at most.
   */
  readonly ttlMs: number;
  /**
   * Extends the lock `holder` took with `token` by another TTL: the new token, or undefined when
   * it was taken over (or released) since.
   */
  renew(holder: string, token: string): Promise<string | undefined>;
  /**
   * Releases the lock `holder` took with `token` (or a later version naming `holder`: a renewal
   * whose answer was lost); one taken over since then is left to its new holder.
   */
  release(token: string, holder: string): Promise<void>;
  isHeld(): Promise<boolean>;
  /** Asks the holder for one more refresh after its own (a trigger came while it ran). */
  markPending(): Promise<void>;
  /** A token of the latest such request, different for every request; undefined if none was made. */
  pending(): Promise<string | undefined>;
}
