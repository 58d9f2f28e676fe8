import { randomUUID } from 'node:crypto';
import type { S3Event } from 'aws-lambda';
import {
  isRawSourceKey,
  keyFileName,
  ledgerRawKey,
  refusedSourceKey,
  sourceLeaseKey,
  sourceStem,
} from '../contracts/lake-keys.js';
import { LAKE } from '../contracts/lake-layout.js';
import {
  isLeaseHeld,
  type KeptLease,
  keepLease,
  releaseLease,
  renewLease,
  tryAcquireLease,
} from './core/lease.js';
import type { ObjectStore } from './core/object-store.js';
import { type EtlResult, type ProcessOptions, processSource } from './core/process-source.js';
import type { QuarantineRecord } from './core/quarantine-writer.js';
import { retireSourceOutputs } from './core/retire-source.js';
import {
  isStaleEvent,
  type LedgerEntry,
  type LedgerVersion,
  newestSequencer,
  readLedger,
  readLedgerVersion,
  StaleEventError,
  updateLedger,
} from './core/source-ledger.js';
import { collidingSources, outputOwner } from './core/source-policy.js';
import { emfFields, memoryUsedPercent } from './etl-metrics.js';
import type { Logger } from './logger.js';

export interface S3EventHandlerDeps {
  /** The store of an event record's bucket (the raw bucket comes from the event). */
  storeFor(bucket: string): ObjectStore;
  /** The processed bucket: Parquet facts, and the per-source ledger (`state/sources/`). */
  processed: ObjectStore;
  quarantine: ObjectStore;
  log: Logger;
  /** Passed to `processSource` for every record (temp folder, encoder thread, clock). */
  options?: Omit<ProcessOptions, 'processedStore' | 'quarantineStore' | 'beforePublish'>;
  /** The function's memory (MB): each processed file's log line then reports MemoryUsedPercent. */
  memoryMb?: number;
  /**
   * How long an event waits for another invocation's run of the same raw key (its lease) before
   * it fails and Lambda retries it. Default 5 minutes.
   */
  leaseWaitMs?: number;
  /** How often a waiting event tries the lease again (jittered). Default 2 s. */
  leasePollMs?: number;
  /** How long a source's lease holds unless renewed; renewed every quarter of it. For tests. */
  leaseTtlMs?: number;
}

/**
 * How long a source's lease holds unless renewed: a run renews it every quarter of this while it
 * works (`ops etl --target aws --local-compute` runs the handler without Lambda's 15-minute cap),
 * so only a run that died leaves one this old, and the next run takes it over.
 */
export const SOURCE_LEASE_TTL_MS = 16 * 60 * 1000;

/** What a run reports besides its result, for its invocation to act on once its lease is free. */
interface RunNotes {
  /** Twins it flagged: it no longer loads orders they left to it. */
  flagged: string[];
  /**
   * Holders of orders it repeats that ran while it did (lease held, or ledger rewritten): it may
   * have read their facts before they dropped such an order, so it runs again once they are done.
   */
  heldBack: string[];
}

/** Another run of the raw key held its lease longer than the event may wait; Lambda retries it. */
export class SourceBusyError extends Error {
  override readonly name = 'SourceBusyError';
  readonly code = 'source_busy';
}

/** What one invocation did, per raw key. */
export interface S3EventSummary {
  /** One result per source run (a put, or a source re-run because a delete freed it). */
  results: EtlResult[];
  /** Keys that are not raw sources, or events other than created/removed. */
  skipped: string[];
  /** Events older than the newest one applied to their key: no-ops (logged). */
  stale: string[];
  /** Raw keys whose delete event removed their outputs. */
  retired: string[];
  /** Raw keys refused: another raw file shares their base name (a quarantine record, nothing published). */
  refused: { key: string; error: string }[];
}

/** Some sources of the event failed; the others were processed. Lambda then retries (idempotent). */
export class EtlBatchError extends Error {
  override readonly name = 'EtlBatchError';
  readonly code = 'etl_failed';
  constructor(readonly failures: { key: string; error: string }[]) {
    super(`${failures.length} source(s) failed: ${failures.map((f) => `${f.key} (${f.error})`).join('; ')}`);
  }
}

/** S3 event keys are URL-encoded with `+` for spaces: `raw/store_sales/my+file%282%29.json`. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/** One event record, decoded: what happened to which key, and where it sits in the key's history. */
interface SourceEvent {
  bucket: string;
  key: string;
  eventName: string;
  /** Empty for `ops etl --target aws` backfills, which process whatever version is current. */
  sequencer: string | undefined;
  versionId: string | undefined;
}

/**
 * The S3-event handler, free of AWS clients so tests can inject local stores. Per record, in order:
 * - `ObjectCreated` on a raw source: refused (quarantine record, nothing published) when another raw
 *   file shares its base name; otherwise the ETL runs and the ledger records the event.
 * - `ObjectRemoved` on a raw source: its outputs are retired, as the local runner retires a deleted
 *   file; a source it kept from loading (same base name, or duplicates it held) runs again.
 * - An event older than the newest applied to its key (the S3 `sequencer`, see source-ledger.ts)
 *   is a no-op with a log line, also when a newer one was applied while it ran.
 * Keys that are not raw sources are skipped (a shared bucket cannot trigger itself on its own
 * outputs). It throws `EtlBatchError` at the end if any source failed, so Lambda retries.
 *
 * Invocations run at the same time (S3 events are not queued per key), so each run of a raw key
 * holds that key's lease (`state/leases/<file>.json`) from reading its ledger to writing it: two
 * events of one key never publish at once (the later waits, then finds the other's sequencer), and
 * a run never waits for a lease while it holds one. The ledgers change by conditional writes
 * only, because a holder flags its twins' ledgers without their leases.
 */
export function createS3EventHandler(deps: S3EventHandlerDeps): (event: S3Event) => Promise<S3EventSummary> {
  const { processed, quarantine, log } = deps;

  /** Other raw sources with the same base name (listed by their common prefix). */
  const namesakes = async (raw: ObjectStore, key: string): Promise<string[]> =>
    (await raw.list(`${LAKE.rawPrefix}${sourceStem(key)}.`))
      .map((o) => o.key)
      .filter((k) => k !== key && isRawSourceKey(k) && sourceStem(k) === sourceStem(key));

  /**
   * Runs `work` holding the lease of raw key `key`, waiting for another run of it to finish, and
   * renewing the lease while the work runs.
   */
  async function exclusive<T>(key: string, work: (lease: KeptLease) => Promise<T>): Promise<T> {
    const leaseKey = sourceLeaseKey(key);
    const holder = `${key} ${randomUUID()}`;
    const ttlMs = deps.leaseTtlMs ?? SOURCE_LEASE_TTL_MS;
    const deadline = Date.now() + (deps.leaseWaitMs ?? 5 * 60 * 1000);
    for (let waited = false; ; waited = true) {
      const askedAt = Date.now();
      const lease = await tryAcquireLease(processed, leaseKey, holder, { ttlMs });
      if (lease.acquired) {
        const held = keepLease(lease.token, {
          ttlMs,
          takenAt: askedAt,
          renew: (token) => renewLease(processed, leaseKey, holder, token, { ttlMs }),
          onError: (err) => log.error('lease not renewed', { key, leaseKey, error: String(err) }),
        });
        try {
          return await work(held);
        } finally {
          const token = await held.stop();
          // A release that fails leaves the lease to expire; the work's own outcome stands.
          const released = await releaseLease(processed, leaseKey, token, holder).catch((err: unknown) =>
            String(err),
          );
          if (released !== true)
            log.error('lease not released', { key, leaseKey, error: released || 'taken over since' });
        }
      }
      if (Date.now() >= deadline)
        throw new SourceBusyError(
          `another run of ${key} has held ${leaseKey} since ${lease.since}; the event is retried`,
        );
      if (!waited) log.info('source busy, waiting', { key, since: lease.since, leaseKey });
      await new Promise((r) => setTimeout(r, (deps.leasePollMs ?? 2000) * (0.5 + Math.random())));
    }
  }

  /**
   * Runs the ETL on `key` unless a newer event for it is applied first; records it in the ledger.
   * Holds the key's lease (`exclusive`); `start` is its ledger as read under it. What its
   * invocation does next (re-run twins, or this source) goes into `notes`.
   */
  async function run(
    raw: ObjectStore,
    ev: SourceEvent,
    summary: S3EventSummary,
    start: LedgerVersion,
    lease: KeptLease,
    notes: RunNotes,
  ): Promise<EtlResult | undefined> {
    const started = start.entry;
    // Every source's fact files now, before this run reads the loaded order_ids: a holder that
    // publishes while this run works changes them (or still holds its lease at the end of this
    // run), whether or not it gets to write its ledger after.
    const factsAtStart = await factFilesBySource();
    // A flag whose holder no longer runs (its lease free) is settled by this run: that holder
    // published before this run reads the loaded ids, so this run loads what it released. A flag
    // whose holder still runs stays: its facts may not be published yet.
    const settled: string[] = [];
    for (const holder of started?.holdersChanged ?? [])
      if (!(await isLeaseHeld(processed, sourceLeaseKey(holder)))) settled.push(holder);
    let result: EtlResult;
    try {
      result = await processSource(raw, ev.key, {
        ...deps.options,
        processedStore: processed,
        quarantineStore: quarantine,
        // Re-checked once the outputs are staged: a newer event applied meanwhile wins.
        beforePublish: async (staged) => {
          const now = await readLedger(processed, ev.key);
          const moved = ev.sequencer
            ? isStaleEvent(ev.sequencer, now)
            : now?.sequencer !== started?.sequencer;
          if (moved) throw new StaleEventError(`a newer event for ${ev.key} was applied while this one ran`);
          if (lease.lost || Date.now() > lease.safeUntil)
            throw new Error(
              `the lease of ${ev.key} was not renewed in time (it may pass to another run): nothing published; the event is retried`,
            );
          // Orders its facts held that these no longer do: the sources that left them to it are
          // flagged before anything is published, so a retry (Lambda's) still re-runs them.
          if (staged.status === 'ok' && staged.released)
            notes.flagged.push(...(await flagTwins(raw, ev.key)));
        },
      });
    } catch (err) {
      if (!(err instanceof StaleEventError)) throw err;
      log.info('stale event ignored', {
        bucket: ev.bucket,
        key: ev.key,
        sequencer: ev.sequencer,
        why: err.message,
      });
      summary.stale.push(ev.key);
      return undefined;
    }
    await updateLedger(
      processed,
      ev.key,
      (current, unchangedSinceStart) => {
        // A file refused as a whole published no facts: its previous facts, their holders and
        // their flags stay as they were. Otherwise, changed since this run read it: a holder
        // flagged it meanwhile, and every flag stays (that holder's run runs it again, after
        // publishing).
        const refused = result.status === 'failed';
        const flags =
          unchangedSinceStart && !refused
            ? (started?.holdersChanged ?? []).filter((h) => !settled.includes(h))
            : (current?.holdersChanged ?? []);
        const duplicateOf = refused ? (current?.duplicateOf ?? []) : result.duplicateOf;
        // The version the run read, not the event's: a re-run has no event of its own, and the
        // run of an older event reads the newest version.
        const read = result.sourceVersionId;
        return {
          key: ev.key,
          event: 'put',
          ...optional('sequencer', newestSequencer(ev.sequencer, current?.sequencer)),
          ...optional('versionId', refused ? current?.versionId : read),
          // a refusal's one record says why (`empty_file`, …)
          ...(refused && read
            ? { refused: { versionId: read, reason: Object.keys(result.byReason)[0] ?? 'refused' } }
            : {}),
          ...(duplicateOf.length ? { duplicateOf } : {}),
          ...(flags.length ? { holdersChanged: [...flags].sort() } : {}),
        };
      },
      start,
    );
    // Holders of orders this source repeats that ran while it did: a twin whose ledger did not
    // name them yet (its first run) was not flagged by them. Looked at once the ledger names them:
    // a holder that starts later finds this source and flags it itself.
    const factsNow = result.duplicateOf.length ? await factFilesBySource() : new Map<string, string>();
    for (const holder of result.duplicateOf) {
      const stem = sourceStem(holder);
      if (
        (await isLeaseHeld(processed, sourceLeaseKey(holder))) ||
        factsNow.get(stem) !== factsAtStart.get(stem)
      )
        notes.heldBack.push(holder);
    }
    if (notes.heldBack.length) await addFlags(ev.key, notes.heldBack);
    // A refusal recorded while it collided with a namesake no longer applies.
    await quarantine.delete(refusedSourceKey(ev.key));
    summary.results.push(result);
    const { read, loaded, quarantined, byReason, byFormat, files, removed, durationMs } = result;
    const context = {
      bucket: ev.bucket,
      key: ev.key,
      read,
      loaded,
      quarantined,
      byReason,
      byFormat,
      files,
      removed,
      durationMs: Math.round(durationMs),
      ...emfFields(
        keyFileName(ev.key),
        { read, loaded, quarantined, byFormat },
        new Date(),
        deps.memoryMb ? memoryUsedPercent(deps.memoryMb) : undefined,
      ),
    };
    if (result.status === 'failed') log.error('source rejected', { ...context, failure: result.failure });
    else log.info('source processed', context);
    return result;
  }

  /** Each source's `fact_orders` files with their versions (`key etag` lines), by base name. */
  async function factFilesBySource(): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const o of await processed.list(LAKE.factOrders)) {
      const stem = outputOwner(o.key);
      if (stem !== undefined) files.set(stem, `${files.get(stem) ?? ''}${o.key} ${o.etag}\n`);
    }
    return files;
  }

  /**
   * Raw sources (present, last event a put) whose ledger says `holder` held the first copy of
   * orders they repeat, and that pass `also`, with their ledger entries.
   */
  async function twinEntries(
    raw: ObjectStore,
    holder: string,
    also: (entry: LedgerEntry) => boolean = () => true,
  ): Promise<[string, LedgerEntry][]> {
    const twins: [string, LedgerEntry][] = [];
    for (const o of await processed.list(LAKE.sourceLedgerPrefix)) {
      const key = ledgerRawKey(o.key);
      if (key === holder || !isRawSourceKey(key)) continue;
      const entry = await readLedger(processed, key);
      if (
        entry?.event === 'put' &&
        entry.duplicateOf?.includes(holder) &&
        also(entry) &&
        (await raw.head(key))
      )
        twins.push([key, entry]);
    }
    return twins;
  }

  /** The keys of `twinEntries`. */
  const twinsOf = async (...args: Parameters<typeof twinEntries>): Promise<string[]> =>
    (await twinEntries(...args)).map(([key]) => key);

  /**
   * Marks the twins of `holder` in their ledgers (`holdersChanged`): they are to run after it.
   * Returns their keys. A twin running meanwhile keeps the flag (its ledger's version moved).
   */
  async function flagTwins(raw: ObjectStore, holder: string): Promise<string[]> {
    const keys: string[] = [];
    for (const [key] of await twinEntries(raw, holder)) {
      await addFlags(key, [holder]);
      keys.push(key);
    }
    return keys;
  }

  /** Adds `holders` to the flags (`holdersChanged`) of `key`'s ledger, if its last event is a put. */
  const addFlags = (key: string, holders: string[]) =>
    updateLedger(processed, key, (current) =>
      current?.event === 'put'
        ? { ...current, holdersChanged: [...new Set([...(current.holdersChanged ?? []), ...holders])].sort() }
        : undefined,
    );

  /** Runs each of `keys` again (no event of its own: the current version), in order. */
  async function rerun(
    raw: ObjectStore,
    bucket: string,
    keys: string[],
    because: string,
    summary: S3EventSummary,
  ) {
    for (const key of keys) {
      log.info('source re-run', { bucket, key, because });
      const next = { bucket, key, eventName: 'Rerun', sequencer: undefined, versionId: undefined };
      // What such a run notes is left to the ledger: its flags, for the holders' runs or the refresh
      // runner's `ops etl --retry-quarantine` to act on.
      const notes: RunNotes = { flagged: [], heldBack: [] };
      await exclusive(key, async (lease) =>
        run(raw, next, summary, await readLedgerVersion(processed, key), lease, notes),
      );
    }
  }

  /** An event older than what the ledger records for its key is a no-op with a log line. */
  function skipStale(
    ev: SourceEvent,
    entry: Awaited<ReturnType<typeof readLedger>>,
    summary: S3EventSummary,
  ) {
    if (!isStaleEvent(ev.sequencer, entry)) return false;
    log.info('stale event ignored', { ...where(ev), applied: entry?.sequencer, appliedEvent: entry?.event });
    summary.stale.push(ev.key);
    return true;
  }

  async function created(
    raw: ObjectStore,
    ev: SourceEvent,
    summary: S3EventSummary,
  ): Promise<EtlResult | undefined> {
    const notes: RunNotes = { flagged: [], heldBack: [] };
    const result = await exclusive(ev.key, async (lease) => {
      const start = await readLedgerVersion(processed, ev.key);
      if (skipStale(ev, start.entry, summary)) return undefined;
      const others = await namesakes(raw, ev.key);
      if (!others.length) return run(raw, ev, summary, start, lease, notes);
      const error = collidingSources([ev.key, ...others]).find((r) => r.key === ev.key)?.error ?? 'colliding';
      const record: QuarantineRecord = {
        source_key: ev.key,
        line_number: 0,
        reason: 'colliding_source',
        message: `(file): ${error}`,
        violations: [{ reason: 'colliding_source', path: '(file)', message: error }],
        raw: '',
      };
      await quarantine.put(refusedSourceKey(ev.key), `${JSON.stringify(record)}\n`, {
        contentType: 'application/x-ndjson',
      });
      await updateLedger(processed, ev.key, (current) => ({
        ...(current ?? { key: ev.key, event: 'put' }),
        ...optional('sequencer', newestSequencer(ev.sequencer, current?.sequencer)),
        ...(ev.versionId ? { refused: { versionId: ev.versionId, reason: 'colliding_source' } } : {}),
      }));
      log.error('source refused', { ...where(ev), error, refusedRecord: refusedSourceKey(ev.key) });
      summary.refused.push({ key: ev.key, error });
      return undefined;
    });
    // Its twins, once its lease is free (so their runs see its published facts): those this run
    // flagged, and those flagged by an earlier attempt of this event that failed later, or by a run
    // of this key this event found stale (or refused) while a twin still waited for it.
    const still = await twinsOf(raw, ev.key, (t) => Boolean(t.holdersChanged?.includes(ev.key)));
    const twins = [...still, ...notes.flagged.filter((k) => !still.includes(k))];
    await rerun(raw, ev.bucket, twins, `${ev.key} no longer loads orders it held for it`, summary);
    // This source again, if holders of orders it repeats ran while it did and are done now (one
    // still running sees its flag once done, as the flag was written before this look).
    const done: string[] = [];
    for (const holder of notes.heldBack)
      if (!(await isLeaseHeld(processed, sourceLeaseKey(holder)))) done.push(holder);
    if (notes.heldBack.length && done.length === notes.heldBack.length)
      await rerun(raw, ev.bucket, [ev.key], `${done.join(', ')} ran while it did`, summary);
    return result;
  }

  async function removed(raw: ObjectStore, ev: SourceEvent, summary: S3EventSummary): Promise<void> {
    const namesake = await exclusive(ev.key, async (): Promise<string[] | undefined> => {
      const entry = await readLedger(processed, ev.key);
      if (skipStale(ev, entry, summary)) return undefined;
      if (await raw.head(ev.key)) {
        // Put again since: the newer put's own event processes it.
        log.info('stale event ignored', { ...where(ev), why: 'the key exists again' });
        summary.stale.push(ev.key);
        return undefined;
      }
      const others = await namesakes(raw, ev.key);
      // With a namesake left, the outputs (named by the base name) are its to replace, below.
      const gone = others.length ? [] : await retireSourceOutputs(processed, quarantine, ev.key);
      await quarantine.delete(refusedSourceKey(ev.key));
      await updateLedger(processed, ev.key, (current) => ({
        key: ev.key,
        event: 'delete',
        ...optional('sequencer', newestSequencer(ev.sequencer, current?.sequencer)),
      }));
      summary.retired.push(ev.key);
      log.info('source retired', { ...where(ev), removed: gone });
      return others.length === 1 ? [...others] : [];
    });
    if (!namesake) return;
    // Sources this one kept from loading: a lone namesake, and those whose duplicates it held
    // (listed once its lease is free: a twin's first run that read it flags itself under it).
    const twins = (await twinsOf(raw, ev.key)).filter((k) => !namesake.includes(k));
    await rerun(raw, ev.bucket, [...namesake, ...twins], `${ev.key} was deleted`, summary);
  }

  return async (event) => {
    const summary: S3EventSummary = { results: [], skipped: [], stale: [], retired: [], refused: [] };
    const failures: { key: string; error: string }[] = [];
    for (const record of event.Records ?? []) {
      const ev: SourceEvent = {
        bucket: record.s3.bucket.name,
        key: decodeS3Key(record.s3.object.key),
        eventName: record.eventName,
        sequencer: record.s3.object.sequencer || undefined,
        versionId: record.s3.object.versionId || undefined,
      };
      const isPut = ev.eventName.startsWith('ObjectCreated');
      if ((!isPut && !ev.eventName.startsWith('ObjectRemoved')) || !isRawSourceKey(ev.key)) {
        log.info('skipped object', where(ev));
        summary.skipped.push(ev.key);
        continue;
      }
      const raw = deps.storeFor(ev.bucket);
      try {
        if (!isPut) await removed(raw, ev, summary);
        else {
          const result = await created(raw, ev, summary);
          if (result?.status === 'failed') failures.push({ key: ev.key, error: result.failure ?? 'failed' });
        }
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        log.error('source failed', { ...where(ev), error, code: (err as { code?: string }).code });
        failures.push({ key: ev.key, error });
      }
    }
    if (failures.length) throw new EtlBatchError(failures);
    return summary;
  };
}

const where = (ev: SourceEvent) => ({
  bucket: ev.bucket,
  key: ev.key,
  eventName: ev.eventName,
  ...optional('sequencer', ev.sequencer),
});

/** `{ [name]: value }` when the value is set, else nothing (JSON and the ledger stay free of nulls). */
const optional = <K extends string>(name: K, value: string | undefined) =>
  (value ? { [name]: value } : {}) as Partial<Record<K, string>>;
