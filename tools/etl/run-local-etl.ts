import { type FileHandle, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isRawSourceKey, sourceStem, tablePrefix } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { loadFxTable } from '../../lambda/core/fx-table.js';
import { THIS_PROCESS } from '../../lambda/core/leftovers.js';
import {
  discardStaged,
  ETL_VERSION,
  type EtlPhase,
  type EtlResult,
  publishStaged,
} from '../../lambda/core/process-source.js';
import { hasRecordDue } from '../../lambda/core/quarantine-retry.js';
import {
  outputOwner,
  planSources,
  recordFromOutputs,
  runDecision,
  type SourceRecord,
} from '../../lambda/core/source-policy.js';
import { fileSystemHint } from '../lib/errors.js';
import { type PoolOutcome, poolUsage, runInProcesses } from '../lib/process-pool.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { type EtlState, readEtlState, type SourceState, writeEtlState } from './etl-state.js';
import { fileStamp, sha256File } from './file-fingerprint.js';
import { fxReferenceInvalid } from './fx-reference.js';
import { nativeEncoder } from './native-parquet-writer.js';
import { intersects, orderIdHashes } from './order-id-hashes.js';
import { resolveSourceKeys } from './source-keys.js';
import {
  type EtlTask,
  type EtlTaskProgress,
  type StagedEtlSource,
  stageLocalSource,
} from './stage-local-source.js';

export interface LocalEtlOptions {
  /** The lake folder (absolute or relative to the working directory). */
  lake: string;
  /** Process exactly these raw files (keys or file names), changed or not. */
  files?: string[];
  /** Process every raw file, changed or not. */
  force?: boolean;
  /**
   * Worker processes staging sources at once (default: one per core from 16 MiB of raw files to
   * process, else 1); 1 runs everything in this process. The outputs and the state are the same whatever the number.
   */
  workers?: number;
  /**
   * Also re-run every source whose quarantine holds orders rejected for lying in the future whose
   * time has come (`ops etl --retry-quarantine`; lambda/core/quarantine-retry.ts).
   */
  retryQuarantine?: boolean;
  /** Processing time in ms (the "not in the future" rule); injectable for tests. */
  now?: () => number;
  /** Progress of the files being processed. */
  onProgress?: (event: EtlProgress) => void;
  /** Each phase as it starts, with the source key (`state`: the state file write). */
  onPhase?: (phase: EtlPhase | 'state', key: string) => void;
}

export interface EtlProgress {
  key: string;
  /** 1-based position among the files this run processes, and their count. */
  index: number;
  total: number;
  bytesRead: number;
  sourceBytes: number;
}

export interface LocalEtlSummary {
  processed: EtlResult[];
  /** Raw keys left alone because they did not change since their last successful run. */
  skipped: string[];
  /** `errno`: the file system's error code when that is why (a lake folder not writable, a full disk). */
  failed: { key: string; error: string; errno?: string }[];
  /** Raw keys gone from the lake since their last run; their outputs were removed. */
  retired: string[];
  /** Raw keys re-run because quarantined future-dated orders of theirs are now in range. */
  retried: string[];
  /**
   * Files under `raw/store_sales/` that are not raw sources (another extension, such as `.json.gz`
   * or `.JSON`, or in a subfolder): never read, and named so that nothing is skipped silently.
   */
  ignored: string[];
  durationMs: number;
  /** Worker processes the run staged sources in (0: all in this process). */
  workers: number;
  /** What encoded the Parquet: the native encoder (built by `npm ci` where cargo is installed) or parquet-wasm. Same bytes. */
  parquetEncoder: 'native' | 'parquet-wasm';
  /** Peak RSS of the busiest worker process, when the run used them. */
  workerMaxRssBytes?: number;
  /** CPU seconds the worker processes took for their sources (their start-up included), when the run used them. */
  workerCpuSeconds?: number;
}

/**
 * `ops etl` and the pipeline's ETL step: runs the Lambda's core on the lake folder for every raw
 * file that is new or changed since its last successful run (state in the lake), or for the
 * given files. A file that fails is reported and retried on the next run; the others still run.
 */
export async function runLocalEtl(options: LocalEtlOptions): Promise<LocalEtlSummary> {
  const started = performance.now();
  const store = new LocalObjectStore(options.lake);
  const state = await readEtlState(store.root);
  // Sources converted with other rates than the lake's effective FX table run again.
  const fx = await loadFxTable(store).catch((err: unknown) => {
    throw fxReferenceInvalid(err, store.pathOf(LAKE.fxRates), 'npx ops etl');
  });
  const etlVersion = `${ETL_VERSION}+fx:${fx.fingerprint}`;
  const encoder = nativeEncoder();
  const listed = (await store.list(LAKE.rawPrefix)).map((o) => o.key);
  const recorded: Record<string, SourceRecord> = {
    ...(await unrecordedOutputs(store, listed, state)),
    ...Object.fromEntries(
      Object.entries(state.sources).map(([key, s]) => [
        key,
        { outputs: sourceOutputs(s), ...(s.duplicateOf ? { duplicateOf: s.duplicateOf } : {}) },
      ]),
    ),
  };
  const sources = listed.filter(isRawSourceKey);
  const ignored = listed.filter((k) => !isRawSourceKey(k) && !path.posix.basename(k).startsWith('.'));
  const requested = options.files?.length
    ? resolveSourceKeys(options.files, sources, {
        location: store.root,
        lake: store.root,
        emptyHint: 'the lake has no raw files yet; run `npx ops generate` first',
      })
    : undefined;
  const plan = planSources({ listed, recorded, ...(requested ? { requested } : {}) });
  // Before anything is written: a mistyped --lake must not be left holding a new state file.
  if (!plan.sources.length && !plan.retired.length) {
    throw new OpsError(
      'ETL_NO_RAW_FILES',
      `no raw files under ${store.root}/${LAKE.rawPrefix}` +
        (ignored.length
          ? ` (${ignored.length} other file(s) there, not read: ${ignored.slice(0, 3).join(', ')}${ignored.length > 3 ? ', …' : ''})`
          : ''),
      ignored.length
        ? 'raw files are .json, .jsonl or .ndjson (JSON Lines or one JSON array, uncompressed) directly in that folder'
        : 'run `npx ops generate` first, or point --lake at your lake',
    );
  }
  for (const { key, outputs } of plan.retired) {
    for (const out of outputs) await store.delete(out);
    // Before the holder is forgotten: its twins stay due until a run of theirs succeeds.
    flagTwins(state, key);
    delete state.sources[key];
  }
  const now = options.now ?? Date.now;
  // when facts were removed; wall-clock time, as `processedAt` is (`now` judges future orders)
  if (plan.retired.some((r) => r.outputs.some((k) => k.startsWith(LAKE.processedPrefix))))
    state.retiredAt = new Date().toISOString();
  const retried: string[] = [];
  if (options.retryQuarantine) {
    for (const key of plan.candidates) {
      const rejects = state.sources[key]?.quarantineKey;
      if (rejects && (await store.head(rejects)) && (await hasRecordDue(store, rejects, now())))
        retried.push(key);
    }
  }
  const todo: string[] = [];
  const skipped: string[] = [];
  for (const key of plan.candidates) {
    const forced =
      requested?.includes(key) || options.force || plan.rerun.includes(key) || retried.includes(key);
    if (forced || (await needsRun(store, state, key, etlVersion))) todo.push(key);
    else skipped.push(key);
  }

  const summary: LocalEtlSummary = {
    processed: [],
    skipped,
    failed: plan.refused.map(({ key, error }) => ({ key, error })),
    retired: plan.retired.map((r) => r.key),
    retried,
    ignored,
    durationMs: 0,
    workers: 0,
    parquetEncoder: encoder ? 'native' : 'parquet-wasm',
  };
  // Raw bytes per source: the default worker count and the pool's start order both use them.
  const sizes = new Map<string, number>();
  for (const key of todo) sizes.set(key, (await store.head(key))?.size ?? 0);
  const workers = Math.min(options.workers ?? defaultWorkers(sizes), todo.length);
  const queue: RunQueue = {
    keys: todo,
    initial: todo.length,
    runnable: new Set(plan.sources.filter((k) => !plan.refused.some((r) => r.key === k))),
  };
  const first =
    workers > 1
      ? await runParallel(store, state, summary, queue, sizes, { workers, etlVersion, encoder }, options)
      : 0;
  // `todo` grows while it runs: twins of a re-processed holder are queued after it (see `commit`)
  for (let i = first; i < todo.length; i++) {
    const key = todo[i] as string;
    let staged: StagedEtlSource;
    try {
      staged = await stageLocalSource(store, key, {
        fx,
        now,
        nativeEncoder: encoder,
        ...(options.onPhase ? { onPhase: (phase: EtlPhase) => options.onPhase?.(phase, key) } : {}),
        onProgress: (bytesRead, sourceBytes) =>
          options.onProgress?.({ key, index: i + 1, total: todo.length, bytesRead, sourceBytes }),
      });
    } catch (err) {
      recordFailure(state, summary, key, err);
      continue;
    }
    await commit(store, state, summary, queue, i, staged, etlVersion, options.onPhase);
  }
  await writeEtlState(store.root, state);
  summary.durationMs = performance.now() - started;
  return summary;
}

/** Below this many raw bytes a run stays in this process: starting workers costs ~0.5 s each. */
const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/** One worker per core when the run is big enough for processes to pay off, else 1. */
function defaultWorkers(sizes: Map<string, number>): number {
  let bytes = 0;
  for (const size of sizes.values()) bytes += size;
  return bytes >= PARALLEL_MIN_BYTES ? os.availableParallelism() : 1;
}

/**
 * Stages every source of `todo` at once in worker processes, then publishes them in `todo` order
 * as a one-worker run would have. In order, source i would check its order_ids for duplicates
 * against the new outputs of the run's sources before it, the old outputs (from an earlier run)
 * of the run's sources after it, and the outputs of every source not in the run. A worker reads
 * only the last (nothing is published until all are staged); this process compares the rest
 * through sorted hashes of the ids: the ids each worker loaded, and the ids of the old outputs of
 * the run's sources. Reading every other source's ids in every worker made a forced re-run of
 * 12 months of 1M orders read 132M ids and took a worker to 885 MiB. Order changes nothing
 * unless source i loaded an id one of those holds (in order it would have quarantined it as a
 * duplicate), which a hash match finds (a collision only says "yes" wrongly): from the first
 * such source on, the staged work is discarded and the rest runs in order. Returns how many
 * sources of `todo` were handled here.
 */
async function runParallel(
  store: LocalObjectStore,
  state: EtlState,
  summary: LocalEtlSummary,
  queue: RunQueue,
  sizes: Map<string, number>,
  { workers, etlVersion, encoder }: { workers: number; etlVersion: string; encoder: string | undefined },
  options: LocalEtlOptions,
): Promise<number> {
  // The sources the run starts with: twins queued while publishing run in order afterwards.
  const todo = queue.keys.slice(0, queue.initial);
  const stems = todo.map(sourceStem);
  // Read while the workers run: the old outputs stay in place until this run publishes. A file
  // that cannot be read (a corrupt one) leaves nothing to compare with: see below.
  const oldIds = oldOrderIdHashes(store, stems).catch(() => undefined);
  const outcomes = await runInProcesses<EtlTask, StagedEtlSource, EtlTaskProgress>({
    script: new URL('./etl-worker.ts', import.meta.url),
    workers,
    tasks: todo.map((key, i) => ({
      lake: store.root,
      key,
      unheldSources: stems.filter((_, j) => j !== i),
      // this process publishes what the workers stage
      stagingOwner: THIS_PROCESS,
      ...(encoder ? { nativeEncoder: encoder } : {}),
    })),
    cost: (task) => sizes.get(task.key) ?? 0,
    singleThreadedGc: true,
    onProgress: (i, p) =>
      options.onProgress?.({ key: todo[i] as string, index: i + 1, total: todo.length, ...p }),
  });
  const usage = poolUsage(outcomes, workers);
  summary.workers = usage.workers;
  summary.workerMaxRssBytes = usage.maxRssBytes;
  summary.workerCpuSeconds = usage.cpuSeconds;
  // Discarding twice is harmless: what was published or discarded already is gone.
  const discardAll = async () => {
    for (const o of outcomes) if (o.ok) await discardStaged(o.value.source);
  };
  const old = await oldIds;
  if (!old) {
    // Unreadable old outputs: every source runs in order, and the sources whose duplicate check
    // reads the bad file fail there, as in a one-worker run.
    await discardAll();
    return 0;
  }
  try {
    return await publishInOrder(store, state, summary, queue, stems, outcomes, old, etlVersion, options);
  } catch (err) {
    // nothing staged stays behind in the temp folder
    await discardAll();
    throw err;
  }
}

/** The second half of `runParallel`: publishes each staged source in order while it is independent. */
async function publishInOrder(
  store: LocalObjectStore,
  state: EtlState,
  summary: LocalEtlSummary,
  queue: RunQueue,
  stems: string[],
  outcomes: PoolOutcome<StagedEtlSource>[],
  old: Map<string, Float64Array>,
  etlVersion: string,
  options: LocalEtlOptions,
): Promise<number> {
  const oldOf = (stem: string): Float64Array[] => {
    const ids = old.get(stem);
    return ids ? [ids] : [];
  };
  // What the lake may hold from the run's sources already handled: their new outputs, and their
  // old ones (kept when a source fails). A larger set can only cause a fallback, never a miss.
  const earlier: Float64Array[] = [];
  let handled = 0;
  const todo = queue.keys.slice(0, queue.initial);
  for (const [i, outcome] of outcomes.entries()) {
    const key = todo[i] as string;
    const stem = stems[i] as string;
    if (!outcome.ok) {
      if (handled === i) {
        recordFailure(state, summary, key, outcome.error);
        earlier.push(...oldOf(stem));
        handled++;
      }
      continue;
    }
    const staged = outcome.value;
    const hashes = staged.orderIdHashes ?? new Float64Array();
    const before = new Set(todo.slice(0, i));
    const later = stems.slice(i + 1).flatMap(oldOf);
    const independent =
      handled === i &&
      // workers read no source of the run, so this holds unless that changes
      !staged.source.result.duplicateOf.some((holder) => before.has(holder)) &&
      !earlier.some((ids) => intersects(ids, hashes)) &&
      !later.some((ids) => intersects(ids, hashes));
    if (!independent) {
      await discardStaged(staged.source);
      continue;
    }
    earlier.push(hashes, ...oldOf(stem));
    await commit(store, state, summary, queue, i, staged, etlVersion, options.onPhase);
    handled++;
  }
  return handled;
}

/** Sorted hashes of the order_ids in the `fact_orders` files each of `stems` has in the lake now. */
async function oldOrderIdHashes(
  store: LocalObjectStore,
  stems: string[],
): Promise<Map<string, Float64Array>> {
  const files = new Map<string, string[]>();
  for (const obj of await store.list(tablePrefix('fact_orders'))) {
    const owner = outputOwner(obj.key);
    if (owner !== undefined && stems.includes(owner))
      files.set(owner, [...(files.get(owner) ?? []), store.pathOf(obj.key)]);
  }
  const hashes = new Map<string, Float64Array>();
  for (const [stem, paths] of files) hashes.set(stem, await orderIdHashes(paths));
  return hashes;
}

/** The sources a run processes, in order (a source may appear twice: see `commit`). */
interface RunQueue {
  keys: string[];
  /** How many of `keys` the run started with; those after are twins queued behind a holder. */
  initial: number;
  /** Raw sources this run may process: listed, and not refused. */
  runnable: ReadonlySet<string>;
}

/**
 * Publishes a staged source and records it in the state (written at once: a crash keeps the
 * progress). When its new facts drop order_ids its old ones held (`released`: gone from its file,
 * now invalid), the sources whose duplicates it held (`duplicateOf` names it) may have quarantined
 * exactly those: they are flagged (`holdersChanged`, written before anything is published, so a
 * crash after publishing cannot forget them) and queued after it, unless already queued later, so
 * those orders load now. A source queued that way runs on the file it last ran on: it can only
 * load more order_ids, never fewer, so it releases none and queues nothing (which also bounds the
 * run).
 */
async function commit(
  store: LocalObjectStore,
  state: EtlState,
  summary: LocalEtlSummary,
  queue: RunQueue,
  index: number,
  { fingerprint, source }: StagedEtlSource,
  etlVersion: string,
  onPhase?: LocalEtlOptions['onPhase'],
): Promise<void> {
  const key = source.result.sourceKey;
  try {
    const twins = source.result.released ? flagTwins(state, key) : [];
    if (twins.length) await writeEtlState(store.root, state);
    const result = await publishStaged(store, source, onPhase ? { onPhase: (p) => onPhase(p, key) } : {});
    summary.processed.push(result);
    if (result.status === 'failed') {
      summary.failed.push({ key, error: result.failure ?? 'failed' });
      // The facts of its last successful run stay published (and its quarantine file now holds
      // the failure): recorded, so that deleting the file still removes them.
      const last = state.sources[key];
      state.sources[key] = {
        ...fingerprint,
        etlVersion,
        processedAt: last?.processedAt ?? new Date().toISOString(),
        files: last?.files ?? [],
        ...(result.quarantineKey ? { quarantineKey: result.quarantineKey } : {}),
        read: result.read,
        loaded: 0,
        quarantined: result.quarantined,
        failed: true,
      };
    } else {
      const { files, quarantineKey, read, loaded, quarantined, duplicateOf } = result;
      state.sources[key] = {
        ...fingerprint,
        etlVersion,
        processedAt: new Date().toISOString(),
        files,
        quarantineKey,
        read,
        loaded,
        quarantined,
        ...(duplicateOf.length ? { duplicateOf } : {}),
      };
      if (index < queue.initial) {
        for (const twin of twins) {
          if (!queue.runnable.has(twin) || queue.keys.indexOf(twin, index + 1) >= 0) continue;
          queue.keys.push(twin);
          const at = summary.skipped.indexOf(twin);
          if (at >= 0) summary.skipped.splice(at, 1);
        }
      }
    }
    onPhase?.('state', key);
    await writeEtlState(store.root, state);
  } catch (err) {
    recordFailure(state, summary, key, err);
  } finally {
    await discardStaged(source);
  }
}

/**
 * Flags every recorded source whose duplicates `holder` held (`holdersChanged`): it runs again
 * until a run of it succeeds. Returns their keys, sorted.
 */
function flagTwins(state: EtlState, holder: string): string[] {
  const twins = Object.keys(state.sources)
    .filter((k) => k !== holder && state.sources[k]?.duplicateOf?.includes(holder))
    .sort();
  for (const twin of twins) {
    const s = state.sources[twin] as SourceState;
    state.sources[twin] = {
      ...s,
      holdersChanged: [...new Set([...(s.holdersChanged ?? []), holder])].sort(),
    };
  }
  return twins;
}

/**
 * A source whose run threw (staging or publishing): reported, and its record, if it has one,
 * marked failed so that the next run processes it again. The record keeps its outputs (to retire
 * them if the file is deleted) and its `holdersChanged`. Without a record the file is new to the
 * state and runs next time anyway.
 */
function recordFailure(state: EtlState, summary: LocalEtlSummary, key: string, err: unknown): void {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  summary.failed.push({
    key,
    error: err instanceof Error ? err.message : String(err),
    ...(fileSystemHint(errno) ? { errno: errno as string } : {}),
  });
  const last = state.sources[key];
  if (last) state.sources[key] = { ...last, failed: true };
}

/**
 * Outputs in the lake that no raw file and no state record owns (the state was lost or
 * unreadable, or written by hand), grouped by owner as S3's runs find them
 * (`raw/store_sales/<stem>.*`): the plan retires them, so a deleted month is never counted on.
 */
async function unrecordedOutputs(
  store: LocalObjectStore,
  listed: readonly string[],
  state: EtlState,
): Promise<Record<string, SourceRecord>> {
  // by key, not by source: a record may list fewer files than its source left (one written by an
  // older ETL, which forgot a failed file's published outputs)
  const recordedKeys = new Set(Object.values(state.sources).flatMap(sourceOutputs));
  const outputs = [...(await store.list(LAKE.processedPrefix)), ...(await store.list(LAKE.quarantinePrefix))]
    .map((o) => o.key)
    .filter((key) => !recordedKeys.has(key));
  const found = recordFromOutputs(listed, outputs);
  return Object.fromEntries(Object.entries(found).filter(([key]) => !listed.includes(key)));
}

/** Every key a source's last run published: its Parquet files and its quarantine file. */
const sourceOutputs = (s: SourceState): string[] => [
  ...s.files,
  ...(s.quarantineKey ? [s.quarantineKey] : []),
];

/**
 * True unless the file, the ETL version (with the FX table) and the recorded outputs are all as
 * last time (each there, and a whole Parquet file: `wholeParquet`), the last run succeeded and no
 * holder of its duplicates changed since.
 */
async function needsRun(
  store: LocalObjectStore,
  state: EtlState,
  key: string,
  etlVersion: string,
): Promise<boolean> {
  const last = state.sources[key];
  if (last?.failed || last?.holdersChanged?.length) return true;
  let outputsPresent = true;
  for (const out of last?.files ?? []) if (!(await wholeParquet(store.pathOf(out)))) outputsPresent = false;
  const file = store.pathOf(key);
  const now = await fileStamp(file);
  const decision = runDecision(last, { ...now, etlVersion, outputsPresent });
  if (decision !== 'compare-content' || !last) return decision === 'run';
  if ((await sha256File(file)) !== last.sha256) return true;
  state.sources[key] = { ...last, mtimeMs: now.mtimeMs };
  return false;
}

/**
 * Whether `file` exists and starts and ends with Parquet's magic bytes: a file cut short (a copy
 * or a disk that failed) or overwritten loses its footer, and the source that wrote it runs again
 * instead of failing every reader (the crawl, the other sources' duplicate checks). 8 bytes read.
 */
async function wholeParquet(file: string): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size < 12) return false;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, stats.size - 4);
    return head.toString('latin1') === 'PAR1' && tail.toString('latin1') === 'PAR1';
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
