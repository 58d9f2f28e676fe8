import { isRawSourceKey } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { FxReferenceError, loadFxTable } from '../../lambda/core/fx-table.js';
import {
  ETL_VERSION,
  type EtlPhase,
  type EtlResult,
  processSource,
} from '../../lambda/core/process-source.js';
import { hasRecordDue } from '../../lambda/core/quarantine-retry.js';
import { planSources, runDecision } from '../../lambda/core/source-policy.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { type EtlState, readEtlState, type SourceState, writeEtlState } from './etl-state.js';
import { fileStamp, sha256File } from './file-fingerprint.js';
import { resolveSourceKeys } from './source-keys.js';

export interface LocalEtlOptions {
  /** The lake folder (absolute or relative to the working directory). */
  lake: string;
  /** Process exactly these raw files (keys or file names), changed or not. */
  files?: string[];
  /** Process every raw file, changed or not. */
  force?: boolean;
  /**
   * Also re-run every source whose quarantine holds orders rejected for lying in the future whose
   * time has come (`ops etl --retry-quarantine`; lambda/core/quarantine-retry.ts).
   */
  retryQuarantine?: boolean;
  /** Processing time in ms (the "not in the future" rule); injectable for tests. */
  now?: () => number;
  /** Progress of the file being processed. */
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
  failed: { key: string; error: string }[];
  /** Raw keys gone from the lake since their last run; their outputs were removed. */
  retired: string[];
  /** Raw keys re-run because quarantined future-dated orders of theirs are now in range. */
  retried: string[];
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
  // Sources converted with other rates than the lake's effective FX table run again.
  const fx = await loadFxTable(store).catch((err: unknown) => {
    if (!(err instanceof FxReferenceError)) throw err;
    throw new OpsError(
      'FX_REFERENCE_INVALID',
      err.message,
      `fix ${store.pathOf(LAKE.fxRates)} (header month,currency,rate_to_usd; rows like 2025-01,JPY,0.006410), then run \`ops etl\` again`,
      { cause: err },
    );
  });
  const etlVersion = `${ETL_VERSION}+fx:${fx.fingerprint}`;
  const listed = (await store.list(LAKE.rawPrefix)).map((o) => o.key);
  const recorded = Object.fromEntries(
    Object.entries(state.sources).map(([key, s]) => [
      key,
      { outputs: sourceOutputs(s), ...(s.duplicateOf ? { duplicateOf: s.duplicateOf } : {}) },
    ]),
  );
  const sources = listed.filter(isRawSourceKey);
  const requested = options.files?.length
    ? resolveSourceKeys(options.files, sources, {
        location: store.root,
        emptyHint: 'the lake has no raw files yet; run `ops generate` first',
      })
    : undefined;
  const plan = planSources({ listed, recorded, ...(requested ? { requested } : {}) });
  for (const { key, outputs } of plan.retired) {
    for (const out of outputs) await store.delete(out);
    delete state.sources[key];
  }
  const now = options.now ?? Date.now;
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
    durationMs: 0,
  };
  for (const [i, key] of todo.entries()) {
    const file = store.pathOf(key);
    try {
      const stamp = await fileStamp(file);
      const sha256 = await sha256File(file);
      const result = await processSource(store, key, {
        now,
        ...(options.onPhase ? { onPhase: (phase: EtlPhase) => options.onPhase?.(phase, key) } : {}),
        fx,
        onProgress: (bytesRead, sourceBytes) =>
          options.onProgress?.({ key, index: i + 1, total: todo.length, bytesRead, sourceBytes }),
      });
      summary.processed.push(result);
      if (result.status === 'failed') {
        summary.failed.push({ key, error: result.failure ?? 'failed' });
        delete state.sources[key];
      } else {
        const { files, quarantineKey, read, loaded, quarantined, duplicateOf } = result;
        const processedAt = new Date().toISOString();
        state.sources[key] = {
          ...stamp,
          sha256,
          etlVersion,
          processedAt,
          files,
          quarantineKey,
          read,
          loaded,
          quarantined,
          ...(duplicateOf.length ? { duplicateOf } : {}),
        };
      }
      options.onPhase?.('state', key);
      await writeEtlState(store.root, state);
    } catch (err) {
      summary.failed.push({ key, error: err instanceof Error ? err.message : String(err) });
    }
  }
  await writeEtlState(store.root, state);
  summary.durationMs = performance.now() - started;
  return summary;
}

/** Every key a source's last run published: its Parquet files and its quarantine file. */
const sourceOutputs = (s: SourceState): string[] => [
  ...s.files,
  ...(s.quarantineKey ? [s.quarantineKey] : []),
];

/** True unless the file, the ETL version (with the FX table) and the recorded outputs are all as last time. */
async function needsRun(
  store: LocalObjectStore,
  state: EtlState,
  key: string,
  etlVersion: string,
): Promise<boolean> {
  const last = state.sources[key];
  let outputsPresent = true;
  for (const out of last?.files ?? []) if (!(await store.head(out))) outputsPresent = false;
  const file = store.pathOf(key);
  const now = await fileStamp(file);
  const decision = runDecision(last, { ...now, etlVersion, outputsPresent });
  if (decision !== 'compare-content' || !last) return decision === 'run';
  if ((await sha256File(file)) !== last.sha256) return true;
  state.sources[key] = { ...last, mtimeMs: now.mtimeMs };
  return false;
}
