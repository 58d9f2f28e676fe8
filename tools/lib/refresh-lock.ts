/**
 * The lock that lets one refresh at a time publish to a shared deployment (`Target.refreshLock`,
 * `serializedRefresh` in tools/commands/refresh.ts; on AWS tools/aws/refresh-lock.ts).
 */
export interface RefreshLock {
  /** Takes the lock for `holder`, or says who holds it (a lock past its expiry is taken over). */
  acquire(holder: string): Promise<{ acquired: true } | { acquired: false; holder: string; since: string }>;
  release(): Promise<void>;
  isHeld(): Promise<boolean>;
  /** Asks the holder for one more refresh after its own (a trigger came while it ran). */
  markPending(): Promise<void>;
  /** When a refresh last asked for that, if ever (the store's clock). */
  pendingAt(): Promise<Date | undefined>;
}
