import type { OrderIdSet } from '../../lambda/core/order-id-set.js';
import {
  discardStaged,
  type ProcessOptions,
  type StagedSource,
  stageSource,
} from '../../lambda/core/process-source.js';
import type { LocalObjectStore } from '../storage/local-object-store.js';
import { ContentHash, type FileStamp, fileStamp } from './file-fingerprint.js';
import { NativeParquetWriter } from './native-parquet-writer.js';
import { loadedIdHashes } from './order-id-hashes.js';

/** What the parent sends an ETL worker process (`etl-worker.ts`), and the progress it gets back. */
export interface EtlTask {
  lake: string;
  key: string;
  /** Stems of the run's other sources: their outputs are not read for duplicates (the parent compares ids). */
  unheldSources: string[];
  /** The parent, which publishes what the worker stages: staging folders are named for it (etl-temp.ts). */
  stagingOwner: string;
  /** The native Parquet encoder's binary (`nativeEncoder`), if built: else parquet-wasm. */
  nativeEncoder?: string;
}
export interface EtlTaskProgress {
  bytesRead: number;
  sourceBytes: number;
}

/** A local raw file staged by the ETL, with its fingerprint: the stamp before it was read, the hash of what was read. */
export interface StagedEtlSource {
  fingerprint: FileStamp & { sha256: string };
  source: StagedSource;
  /** Sorted hashes of the order_ids it loaded (parallel runs; see `order-id-hashes.ts`). */
  orderIdHashes?: Float64Array;
}

/**
 * Stages the ETL outputs of a raw file of the lake (nothing is published), fingerprinting it on the way. The
 * Parquet is encoded by the native encoder's binary when given one (`nativeEncoder`), else by
 * parquet-wasm: the same bytes.
 */
export async function stageLocalSource(
  store: LocalObjectStore,
  key: string,
  options: ProcessOptions & { withHashes?: boolean; nativeEncoder?: string | undefined } = {},
): Promise<StagedEtlSource> {
  const file = store.pathOf(key);
  const stamp = await fileStamp(file);
  const content = new ContentHash(file);
  const { withHashes, nativeEncoder: binary, ...processOptions } = options;
  let loaded: OrderIdSet | undefined;
  const source = await stageSource(store, key, {
    ...(binary
      ? { openSink: (table, file, rows) => new NativeParquetWriter(binary, table, file, rows) }
      : {}),
    ...processOptions,
    readSource: (k) => content.read(store.chunks(k)),
    ...(withHashes ? { onLoadedIds: (ids: OrderIdSet) => (loaded = ids) } : {}),
  });
  try {
    const fingerprint = { ...stamp, sha256: await content.digest() };
    if (!loaded) return { fingerprint, source };
    return { fingerprint, source, orderIdHashes: await loadedIdHashes(loaded) };
  } catch (err) {
    // nothing staged is left behind when the source fails here
    await discardStaged(source);
    throw err;
  }
}
