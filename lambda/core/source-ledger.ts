import { randomUUID } from 'node:crypto';
import { sourceLedgerKey } from '../../contracts/lake-keys.js';
import type { ObjectStore } from './object-store.js';

/**
 * What the Lambda remembers of one raw key: the newest S3 event it applied. S3 delivers events at
 * least once and in no guaranteed order, so a put event may arrive after a newer put or after the
 * key's delete; comparing the event's `sequencer` with the ledger's makes such an event a no-op.
 * The ledger is one small JSON object per raw key (`state/sources/<file>.json` in the processed
 * bucket), written only after the outputs are published.
 */
export interface LedgerEntry {
  key: string;
  /** The last event applied: a put (outputs published) or a delete (outputs retired). */
  event: 'put' | 'delete';
  /** The newest sequencer seen for the key; absent when only unordered (backfill) events ran. */
  sequencer?: string;
  /**
   * The raw object's version the facts came from (a versioned raw bucket): the one the run that
   * published them read. `ops upload --wait` waits for it.
   */
  versionId?: string;
  /**
   * The version the last run refused, and why: a file refused as a whole (`empty_file`,
   * `not_json_file`, …: read, nothing published) or one sharing its base name with another raw
   * object (`colliding_source`: not run). The facts stay those of `versionId`; a run that
   * publishes writes it away. `ops upload --wait` reports it.
   */
  refused?: { versionId: string; reason: string };
  /** Raw keys holding the first copy of orders this source repeats (its duplicate rejects). */
  duplicateOf?: string[];
  /**
   * Holders of its duplicates whose new run no longer loads some of the orders it left to them
   * (written before that holder publishes): the source runs again after the holder, and stays
   * flagged until a run of it that started after the holder had published succeeds (which
   * rewrites the entry without it).
   */
  holdersChanged?: string[];
  /**
   * A random id per write (`updateLedger` sets it), so that every write changes the ledger's
   * version, also one that writes the same content: S3's ETag of a plain object is the content's
   * MD5, and runs compare versions to see whether a source ran, or was flagged, meanwhile.
   */
  writeId?: string;
}

/**
 * Orders two sequencers of the same key. Per the S3 docs (event message structure): sequencers
 * are hexadecimal strings; left-pad the shorter with zeros, then compare lexicographically.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const x = a.toUpperCase().padStart(width, '0');
  const y = b.toUpperCase().padStart(width, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The later of two optional sequencers (undefined only when both are). */
export function newestSequencer(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b || undefined;
  if (!b) return a;
  return compareSequencers(a, b) >= 0 ? a : b;
}

/**
 * True when an event with `sequencer` is older than what the ledger has applied. An event without
 * a sequencer (an `ops etl --target aws` backfill, which processes whatever is current) is never
 * stale by itself.
 */
export function isStaleEvent(sequencer: string | undefined, entry: LedgerEntry | undefined): boolean {
  return Boolean(sequencer && entry?.sequencer && compareSequencers(sequencer, entry.sequencer) < 0);
}

/** A ledger entry as read, with the version a conditional write of it compares against. */
export interface LedgerVersion {
  /** Undefined when none was written (or it is unreadable, or another key's). */
  entry: LedgerEntry | undefined;
  /** The stored object's version; null when there is no object. */
  version: string | null;
}

/** The ledger of `rawKey` with its version. */
export async function readLedgerVersion(store: ObjectStore, rawKey: string): Promise<LedgerVersion> {
  const stored = await store.read(sourceLedgerKey(rawKey));
  if (!stored) return { entry: undefined, version: null };
  let entry: LedgerEntry | undefined;
  try {
    const value = JSON.parse(stored.bytes.toString('utf8')) as LedgerEntry;
    entry = value && typeof value === 'object' && value.key === rawKey ? value : undefined;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  return { entry, version: stored.version };
}

/** The ledger entry of `rawKey`, or undefined when none was written (or it is unreadable). */
export const readLedger = async (store: ObjectStore, rawKey: string): Promise<LedgerEntry | undefined> =>
  (await readLedgerVersion(store, rawKey)).entry;

/**
 * Read-modify-write of one ledger by conditional writes, so that two writers never lose each
 * other's change: the source's own run (which holds its lease) and the runs of its holders, which
 * flag it (`holdersChanged`) without waiting for that lease. `change` gets the entry the write
 * would replace and whether that is `from` (the first try, when `from` is given: the version read
 * at a run's start), and returns the entry to write, or undefined to leave the ledger as it is. A
 * write that loses starts again from the entry then stored. Returns what was written.
 */
export async function updateLedger(
  store: ObjectStore,
  rawKey: string,
  change: (current: LedgerEntry | undefined, isFrom: boolean) => LedgerEntry | undefined,
  from?: LedgerVersion,
): Promise<LedgerEntry | undefined> {
  let current = from ?? (await readLedgerVersion(store, rawKey));
  for (let attempt = 0; ; attempt++) {
    const changed = change(current.entry, from !== undefined && current === from);
    if (!changed) return undefined;
    const next: LedgerEntry = { ...changed, writeId: randomUUID() };
    const written = await store.putIf(sourceLedgerKey(rawKey), `${JSON.stringify(next)}\n`, current.version, {
      contentType: 'application/json',
    });
    if (written) return next;
    // Another writer got there first: a flag is one small PUT, so this settles within a few tries.
    if (attempt === 20) throw new Error(`the ledger of ${rawKey} kept changing: 20 conditional writes lost`);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    current = await readLedgerVersion(store, rawKey);
  }
}

/** An event older than the ledger's: it must not publish. Raised at the publish guard. */
export class StaleEventError extends Error {
  override readonly name = 'StaleEventError';
  readonly code = 'stale_event';
}
