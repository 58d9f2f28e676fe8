import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FactTable } from '../../contracts/fact-tables.js';
import { isRawSourceKey, quarantineKey, sourceStem } from '../../contracts/lake-keys.js';
import type { RecordFormat } from '../../contracts/raw-order-original.js';
import { ReconciliationError, SourceKeyError } from './etl-errors.js';
import { makeStagingDir } from './etl-temp.js';
import { type QuarantineReason, type Rejection, rejection } from './full-validation.js';
import { FX_RATES_VERSION } from './fx-rates.js';
import { type FxTable, loadFxTable } from './fx-table.js';
import { type HeldIdsOptions, HeldOrderIds, releasedOrderIds } from './held-order-ids.js';
import { ObjectNotFoundError, type ObjectStore } from './object-store.js';
import { OrderIdSet } from './order-id-set.js';
import { OrderSink } from './order-sink.js';
import { ParquetFileWriter, type ParquetSink } from './parquet-file-writer.js';
import { ParquetThread } from './parquet-thread.js';
import { PartitionWriters, type StagedFile } from './partition-writers.js';
import { publishOutputs } from './publish-outputs.js';
import { QuarantineWriter } from './quarantine-writer.js';
import { type ReadSummary, readRecords, type SourceFormat } from './read-records.js';

/**
 * Version of what the ETL writes: the output format revision, the raw contract and the FX table.
 * Local runs reprocess every source when it changes; bump the first part when the flattening
 * changes, the second when the raw contract accepts other records.
 */
export const ETL_VERSION = `fact-tables-3+raw-contract-2+${FX_RATES_VERSION}`;

/** Sources from this size get the encoder thread by default. */
const THREAD_MIN_BYTES = 64 * 1024 * 1024;

export interface ProcessOptions {
  /** Store for the Parquet files (default: the source store; on AWS the processed bucket). */
  processedStore?: ObjectStore;
  /** Store for the quarantine file (default: the source store). */
  quarantineStore?: ObjectStore;
  /** Processing time in ms, for the "not in the future" check; injectable for tests. */
  now?: () => number;
  /** Where Parquet files are staged before publishing (default: the OS temp folder; /tmp on Lambda). */
  tmpDir?: string;
  /** The process that will publish the staged files, if not this one (etl-temp.ts): `ops etl`'s workers. */
  stagingOwner?: string;
  /** Rows per Arrow batch (memory per table and partition); default 16,384. */
  batchRows?: number;
  /** Rows per Parquet row group; default 65,536 (memory holds one in progress per file). */
  rowGroupRows?: number;
  /** Larger records are quarantined as `oversized_record`; default 1 MiB. */
  maxRecordBytes?: number;
  /**
   * Encode Parquet in a worker thread, in parallel with parsing. Default: for sources of 64 MiB
   * and more on a machine with two or more cores (starting the thread costs a few hundred ms;
   * without a second core it only adds overhead: on Lambda that means from about 3.5 GB of memory).
   */
  encoderThread?: boolean;
  /**
   * Opens the Parquet file a partition's table is written to, instead of parquet-wasm (in the
   * encoder thread or this one): `ops etl` passes the native encoder's when it is built
   * (tools/etl/native-parquet-writer.ts), which writes the same bytes in less CPU.
   */
  openSink?: (table: FactTable, file: string, rowGroupRows: number) => ParquetSink;
  onProgress?: (bytesRead: number, sourceBytes: number) => void;
  /**
   * Reads the source's bytes for a pass, instead of `store.get`: `ops etl` reads a local file
   * into one reused buffer and hashes it on the way (tools/etl/stage-local-source.ts). A chunk
   * may be overwritten by the next (`readRecords`).
   */
  readSource?: (key: string) => AsyncIterable<Uint8Array>;
  /**
   * Called once everything is staged, with the run's result, right before the first output is
   * published; throwing publishes nothing (the Lambda checks here that no newer event for the key
   * was applied, and flags the twins of a holder that releases orders).
   */
  beforePublish?: (result: StagedSource['result']) => Promise<void>;
  /** Announces each phase as it starts (kill tests log them to aim SIGKILLs; see docs/reliability.md). */
  onPhase?: (phase: EtlPhase) => void;
  /** The FX table (default: the shipped rates plus the source store's `reference/fx_rates.csv`). */
  fx?: FxTable;
  /**
   * Stems of sources whose outputs are not read for cross-source duplicate detection: the other
   * sources of a parallel `ops etl` run, which compares the sources' order_ids itself
   * (`tools/etl/run-local-etl.ts`). Default: none, every other source's outputs are read.
   */
  unheldSources?: readonly string[];
  /**
   * Called once staging succeeded, with the order_ids the source loaded (the set its duplicate
   * check built): a parallel `ops etl` hashes them instead of reading its Parquet back.
   */
  onLoadedIds?: (ids: OrderIdSet) => void;
  /** How the other sources' order_ids are held (default: by their hashes, `held-order-ids.ts`); tests force collisions here. */
  heldIds?: HeldIdsOptions;
}

/**
 * The phases of one source's run, in order; the local runner adds `state` (its state write). A
 * pass discarded because held ids did not confirm (`stageSource`) repeats `parse` and `encode`.
 */
export type EtlPhase = 'parse' | 'encode' | 'publish';

/** What one run over one source did. Always: read = loaded + quarantined. */
export interface EtlResult {
  sourceKey: string;
  /**
   * `failed` when the source is refused as a whole (`refusedFile`): one quarantine record, read 1,
   * loaded 0, and its previous facts stay published.
   */
  status: 'ok' | 'failed';
  failure?: string;
  format: SourceFormat;
  read: number;
  loaded: number;
  quarantined: number;
  byReason: Partial<Record<QuarantineReason, number>>;
  /** Records read per record format (version 2, the original format, unrecognised); adds up to `read`. */
  byFormat: Record<RecordFormat, number>;
  /** Partitions written, as `YYYY-MM`. */
  partitions: string[];
  /** Keys of the Parquet files written; `removed`: this source's files in partitions it no longer feeds. */
  files: string[];
  removed: string[];
  quarantineKey?: string;
  rows: Record<FactTable, number>;
  /** Raw keys of the other sources holding the first copy of orders this source repeats. */
  duplicateOf: string[];
  /**
   * Order_ids its previous facts held that this run does not load (gone from the file, now
   * invalid), when there are any: sources whose `duplicateOf` names it must run again after it.
   * Absent for a failed run (its facts stay).
   */
  released?: number;
  sourceBytes: number;
  /**
   * The version of the raw object this run read, in a versioned bucket: the one `head` found at
   * its start, read by that version, so a newer upload meanwhile does not mix in (S3 only).
   */
  sourceVersionId?: string;
  durationMs: number;
}

/**
 * One source's outputs staged in a local folder and not yet published: what a worker process
 * hands back to `ops etl`, which publishes the sources of a run in order (serialisable).
 */
export interface StagedSource {
  result: Omit<EtlResult, 'removed' | 'durationMs'>;
  staged: StagedFile[];
  /** The quarantine file to publish, if anything was rejected. */
  quarantineFile?: string;
  /** The folder holding the staged files; removed by `publishStaged` or `discardStaged`. */
  tmpDir: string;
  /** Time spent staging, in ms (the run's duration adds publishing). */
  stageMs: number;
}

/**
 * The ETL for one raw object: stream it, split records, validate and flatten each, write
 * Parquet per partition and table, quarantine the rejects (among them orders another source
 * already loaded: docs/duplicates.md), then publish. Outputs are named
 * after the source, so a re-run overwrites them; files are staged locally and each appears
 * atomically; this source's files in partitions it no longer feeds are removed last. A failure
 * before publishing leaves the previous outputs untouched.
 */
export async function processSource(
  store: ObjectStore,
  key: string,
  options: ProcessOptions = {},
): Promise<EtlResult> {
  const staged = await stageSource(store, key, options);
  try {
    return await publishStaged(store, staged, options);
  } finally {
    await discardStaged(staged);
  }
}

/**
 * The first half of `processSource`: everything but publishing. The outputs stay in a local
 * folder until `publishStaged` (or `discardStaged`); nothing in the store changes.
 */
export async function stageSource(
  store: ObjectStore,
  key: string,
  options: ProcessOptions = {},
): Promise<StagedSource> {
  const started = performance.now();
  if (!isRawSourceKey(key)) throw new SourceKeyError(key);
  let fx = options.fx;
  const fxTable = async () => (fx ??= await loadFxTable(store));
  const nowMs = (options.now ?? Date.now)(); // one processing time for every pass
  const passOptions = { ...options, now: () => nowMs };
  // The held ids by their hashes; should a file named as a holder not confirm (rare), again with
  // its ids by their bytes as well: every pass names at least one file more, or is the last.
  let exactFiles = [...(options.heldIds?.exactFiles ?? [])];
  for (;;) {
    const pass = await stageOnce(
      store,
      key,
      { ...passOptions, heldIds: { ...options.heldIds, exactFiles } },
      fxTable,
      started,
    );
    if (!Array.isArray(pass)) return pass;
    const more = pass.filter((file) => !exactFiles.includes(file));
    if (!more.length)
      throw new Error(`${key}: held order_ids by their bytes did not confirm (${pass.join(', ')})`);
    exactFiles = [...exactFiles, ...more];
  }
}

/**
 * One pass of staging the source. Returns the files named as holders that did not confirm (see
 * `HeldOrderIds`) instead of what it staged, which is then discarded.
 */
async function stageOnce(
  store: ObjectStore,
  key: string,
  options: ProcessOptions,
  fxTable: () => Promise<FxTable>,
  started: number,
): Promise<StagedSource | string[]> {
  const info = await store.head(key);
  if (!info) throw new ObjectNotFoundError(store.location, key);
  const stem = sourceStem(key);
  const fx = await fxTable();
  const held = await HeldOrderIds.load(
    options.processedStore ?? store,
    stem,
    options.unheldSources,
    options.heldIds,
  );
  const tmp = await makeStagingDir({
    ...(options.tmpDir ? { base: options.tmpDir } : {}),
    ...(options.stagingOwner ? { owner: options.stagingOwner } : {}),
  });
  const threaded =
    !options.openSink &&
    (options.encoderThread ?? (info.size >= THREAD_MIN_BYTES && os.availableParallelism() > 1));
  const thread = threaded ? new ParquetThread() : undefined;
  const writers = new PartitionWriters({
    fx,
    tmpDir: tmp,
    stem,
    sourceKey: key,
    batchRows: options.batchRows ?? 16_384,
    rowGroupRows: options.rowGroupRows ?? 65_536,
    openSink:
      options.openSink ??
      ((table, file, rows) =>
        thread ? thread.open(table, file, rows) : new ParquetFileWriter(table, file, rows)),
  });
  const quarantine = new QuarantineWriter(path.join(tmp, 'quarantine.jsonl'), key);
  const sink = new OrderSink(writers, quarantine, (options.now ?? Date.now)(), held);
  let ok = false;
  try {
    options.onPhase?.('parse');
    const body = options.readSource
      ? options.readSource(key)
      : await store.get(key, { versionId: info.versionId });
    const summary = await readRecords(body, sink, {
      maxRecordBytes: options.maxRecordBytes ?? 1024 * 1024,
      afterChunk: async (bytes) => {
        await writers.flushFull();
        await quarantine.drain();
        options.onProgress?.(bytes, info.size);
      },
    });
    options.onPhase?.('encode');
    const refusal = refusedFile(summary, info.size);
    if (refusal) {
      // The source fails as a whole: nothing of it is staged (records read before a broken
      // array's problem included), its one quarantine record says why, and publishing keeps the
      // facts of its last good version (a corrupt or empty re-upload must not wipe a month).
      await writers.abort();
      await quarantine.close();
      const refused = new QuarantineWriter(path.join(tmp, 'refused.jsonl'), key);
      refused.add(0, refusal.rejection, refusal.raw, refusal.truncatedFrom);
      await refused.close();
      options.onLoadedIds?.(new OrderIdSet());
      ok = true;
      return {
        result: {
          sourceKey: key,
          status: 'failed',
          failure: refusal.failure,
          format: summary.format,
          read: 1,
          loaded: 0,
          quarantined: 1,
          byReason: refused.byReason,
          byFormat: { v2: 0, original: 0, unrecognised: 1 },
          partitions: [],
          files: [],
          quarantineKey: quarantineKey(stem),
          rows: { fact_orders: 0, fact_order_items: 0 },
          duplicateOf: [],
          sourceBytes: info.size,
          ...(info.versionId ? { sourceVersionId: info.versionId } : {}),
        },
        staged: [],
        quarantineFile: refused.file,
        tmpDir: tmp,
        stageMs: performance.now() - started,
      };
    }
    const staged = await writers.finish();
    const hasQuarantine = await quarantine.close();
    const rows = { fact_orders: 0, fact_order_items: 0 };
    for (const f of staged) rows[f.table] += f.rows;
    if (sink.read !== sink.loaded + quarantine.count || rows.fact_orders !== sink.loaded) {
      throw new ReconciliationError(
        `${key}: read ${sink.read}, loaded ${sink.loaded}, quarantined ${quarantine.count}, order rows ${rows.fact_orders}`,
      );
    }
    const unconfirmed = await held.unconfirmedFiles();
    if (unconfirmed.length) return unconfirmed;
    // what its facts held that the ones about to replace them do not
    const released = await releasedOrderIds(options.processedStore ?? store, held.ownFiles, sink.ids);
    options.onLoadedIds?.(sink.ids);
    ok = true;
    return {
      result: {
        sourceKey: key,
        status: 'ok',
        format: summary.format,
        read: sink.read,
        loaded: sink.loaded,
        quarantined: quarantine.count,
        byReason: quarantine.byReason,
        byFormat: { ...sink.byFormat },
        partitions: [...new Set(staged.map((f) => f.partition))],
        files: staged.map((f) => f.key),
        ...(hasQuarantine ? { quarantineKey: quarantineKey(stem) } : {}),
        rows,
        duplicateOf: [...sink.holders].sort(),
        ...(released ? { released } : {}),
        sourceBytes: info.size,
        ...(info.versionId ? { sourceVersionId: info.versionId } : {}),
      },
      staged,
      ...(hasQuarantine ? { quarantineFile: quarantine.file } : {}),
      tmpDir: tmp,
      stageMs: performance.now() - started,
    };
  } catch (err) {
    await writers.abort();
    throw err;
  } finally {
    await thread?.terminate();
    await quarantine.close().catch(() => undefined);
    if (!ok) await rm(tmp, { recursive: true, force: true });
  }
}

/** The second half of `processSource`: publishes staged outputs (see `publishOutputs`). */
export async function publishStaged(
  store: ObjectStore,
  source: StagedSource,
  options: Pick<ProcessOptions, 'processedStore' | 'quarantineStore' | 'beforePublish' | 'onPhase'> = {},
): Promise<EtlResult> {
  const { result } = source;
  const started = performance.now();
  await options.beforePublish?.(result);
  options.onPhase?.('publish');
  const removed = await publishOutputs(
    options.processedStore ?? store,
    options.quarantineStore ?? store,
    sourceStem(result.sourceKey),
    source.staged,
    source.quarantineFile,
    { replaceFacts: result.status === 'ok' },
  );
  return { ...result, removed, durationMs: source.stageMs + performance.now() - started };
}

/** Removes a staged source's local folder (after publishing it, or instead). */
export async function discardStaged(source: StagedSource): Promise<void> {
  await rm(source.tmpDir, { recursive: true, force: true });
}

/** A source refused as a whole: its one quarantine record (line 0) and the run's `failure`. */
interface FileRefusal {
  rejection: Rejection;
  raw: string;
  truncatedFrom?: number;
  failure: string;
}

/**
 * Whether the source as read is refused as a whole, and why: it is not JSON at all
 * (`not_json_file`), its JSON array is structurally broken so its elements cannot be trusted
 * (`malformed_json_array`, json-array-splitter.ts), or it holds nothing but whitespace
 * (`empty_file`: an empty upload is a mistake or a failed export far more often than a month
 * with no orders, which is `[]`; deleting the raw file is how a month is removed).
 */
export function refusedFile(summary: ReadSummary, sizeBytes: number): FileRefusal | undefined {
  const refuse = (reason: QuarantineReason, why: string, raw = '', truncatedFrom?: number) => ({
    rejection: rejection(reason, '(file)', why),
    raw,
    ...(truncatedFrom !== undefined ? { truncatedFrom } : {}),
    failure: `${reason}: ${why}`,
  });
  if (summary.format === 'not_json') {
    // `head` is the file's start, or all of it: only a longer file is marked `raw_truncated`.
    const head = summary.head ?? Buffer.alloc(0);
    const start = head.subarray(0, 4);
    // a UTF-16 byte-order mark (FF FE or FE FF), or NUL bytes, which JSON never holds raw
    const bom16 = (start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff);
    const utf16 = bom16 || start.includes(0);
    const why = `the file is neither JSON Lines nor a JSON array (starts with bytes ${start.toString('hex')})${
      utf16 ? '; it looks like UTF-16 text: save it as UTF-8' : ''
    }`;
    return refuse(
      'not_json_file',
      why,
      head.toString('utf8'),
      head.length < sizeBytes ? sizeBytes : undefined,
    );
  }
  if (summary.malformed) return refuse('malformed_json_array', summary.malformed);
  if (summary.format === 'empty') {
    const what = summary.bytes
      ? `holds only whitespace (${summary.bytes.toLocaleString('en-US')} bytes)`
      : 'is empty (0 bytes)';
    return refuse(
      'empty_file',
      `the file ${what}: the month keeps its previous facts (to remove a month, delete its raw file; a month without orders is \`[]\`)`,
    );
  }
  return undefined;
}
