import { isRawSourceKey } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { ETL_VERSION, type EtlResult, processSource } from '../../lambda/core/process-source.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { type EtlState, readEtlState, writeEtlState } from './etl-state.js';
import { fileStamp, sha256File } from './file-fingerprint.js';
import { collidingSources, retireDeletedSources } from './source-hygiene.js';
import { resolveSourceKeys } from './source-keys.js';

export interface LocalEtlOptions {
  /** The lake folder (absolute or relative to the working directory). */
  lake: string;
  /** Process exactly these raw files (keys or file names), changed or not. */
  files?: string[];
  /** Process every raw file, changed or not. */
  force?: boolean;
  /** Progress of the file being processed. */
  onProgress?: (event: EtlProgress) => void;
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
  failed: { key: string; error: string }[];
  /** Raw keys gone from the lake since their last run; their outputs were removed. */
  retired: string[];
  durationMs: number;
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
  const raw = (await store.list(LAKE.rawPrefix)).map((o) => o.key).filter(isRawSourceKey);
  const forced = options.files?.length ? await resolveSourceKeys(store, options.files) : undefined;
  const retired = await retireDeletedSources(store, state, raw);
  const colliding = collidingSources(raw);
  const failed = [...colliding].map(([key, error]) => ({ key, error }));
  const todo: string[] = [];
  const skipped: string[] = [];
  for (const key of forced ?? raw) {
    if (colliding.has(key)) continue;
    if (forced || options.force || (await needsRun(store, state, key))) todo.push(key);
    else skipped.push(key);
  }

  const summary: LocalEtlSummary = { processed: [], skipped, failed, retired, durationMs: 0 };
  for (const [i, key] of todo.entries()) {
    const file = store.pathOf(key);
    try {
      const stamp = await fileStamp(file);
      const sha256 = await sha256File(file);
      const result = await processSource(store, key, {
        onProgress: (bytesRead, sourceBytes) =>
          options.onProgress?.({ key, index: i + 1, total: todo.length, bytesRead, sourceBytes }),
      });
      summary.processed.push(result);
      if (result.status === 'failed') {
        summary.failed.push({ key, error: result.failure ?? 'failed' });
        delete state.sources[key];
      } else {
        const { files, quarantineKey, read, loaded, quarantined } = result;
        const processedAt = new Date().toISOString();
        state.sources[key] = {
          ...stamp,
          sha256,
          etlVersion: ETL_VERSION,
          processedAt,
          files,
          quarantineKey,
          read,
          loaded,
          quarantined,
        };
      }
      await writeEtlState(store.root, state);
    } catch (err) {
      summary.failed.push({ key, error: err instanceof Error ? err.message : String(err) });
    }
  }
  await writeEtlState(store.root, state);
  summary.durationMs = performance.now() - started;
  return summary;
}

/** True unless the file, the ETL version and the recorded outputs are all as last time. */
async function needsRun(store: LocalObjectStore, state: EtlState, key: string): Promise<boolean> {
  const last = state.sources[key];
  if (!last || last.etlVersion !== ETL_VERSION) return true;
  for (const out of last.files) if (!(await store.head(out))) return true;
  const file = store.pathOf(key);
  const now = await fileStamp(file);
  if (now.size !== last.size) return true;
  if (now.mtimeMs === last.mtimeMs) return false;
  // Touched but maybe not changed (a regenerated identical file): the content decides.
  if ((await sha256File(file)) !== last.sha256) return true;
  state.sources[key] = { ...last, mtimeMs: now.mtimeMs };
  return false;
}
