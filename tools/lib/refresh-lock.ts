/**
 * The lock that lets one refresh at a time publish to a shared deployment (`Target.refreshLock`,
 * `serializedRefresh` in tools/commands/refresh.ts; on AWS tools/aws/refresh-lock.ts).
 */
export interface RefreshLock {
  /**
   * Takes the lock for `holder` (its `token` releases it), or says who holds it. A lock past its
   * expiry (a holder that died) is taken over by exactly one of the refreshes that find it so.
   */
  acquire(
    holder: string,
  ): Promise<{ acquired: true; token: string } | { acquired: false; holder: string; since: string }>;
  /** Releases the lock taken with `token`; one taken over since then is left to its new holder. */
  release(token: string): Promise<void>;
  isHeld(): Promise<boolean>;
  /** Asks the holder for one more refresh after its own (a trigger came while it ran). */
  markPending(): Promise<void>;
  /** A token of the latest such request, different for every request; undefined if none was made. */
  pending(): Promise<string | undefined>;
}
