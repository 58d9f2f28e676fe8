import { sourceLedgerKey } from '../../contracts/lake-keys.js';
import type { ObjectNotFoundError, ObjectStore } from './object-store.js';

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
  /** The object version the outputs came from (versioned raw bucket), when S3 told us. */
  versionId?: string;
  /** Raw keys holding the first copy of orders this source repeats (its duplicate rejects). */
  duplicateOf?: string[];
  /**
   * Holders of its duplicates whose new run no longer loads some of the orders it left to them
   * (written before that holder publishes): the source runs again after the holder, and stays
   * flagged until a run of it succeeds (which rewrites the entry without it).
   */
  holdersChanged?: string[];
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

/** The ledger entry of `rawKey`, or undefined when none was written (or it is unreadable). */
export async function readLedger(store: ObjectStore, rawKey: string): Promise<LedgerEntry | undefined> {
  try {
    const chunks: Buffer[] = [];
    for await (const c of await store.get(sourceLedgerKey(rawKey))) chunks.push(Buffer.from(c));
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LedgerEntry;
    return value && typeof value === 'object' && value.key === rawKey ? value : undefined;
  } catch (err) {
    // By code, not class: a store built from another copy of the module (bundles, tests) counts too.
    if ((err as ObjectNotFoundError).code === 'object_not_found' || err instanceof SyntaxError)
      return undefined;
    throw err;
  }
}

/** Writes the ledger entry (one atomic put). */
export async function writeLedger(store: ObjectStore, entry: LedgerEntry): Promise<void> {
  await store.put(sourceLedgerKey(entry.key), `${JSON.stringify(entry)}\n`, {
    contentType: 'application/json',
  });
}

/** An event older than the ledger's: it must not publish. Raised at the publish guard. */
export class StaleEventError extends Error {
  override readonly name = 'StaleEventError';
  readonly code = 'stale_event';
}
