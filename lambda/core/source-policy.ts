import { isRawSourceKey, keyFileName, quarantineKey, sourceStem } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';

/**
 * Which raw sources an ETL run processes, refuses and retires: one policy for every runner (the
 * local lake, S3). It works on key lists and recorded state only; the runner lists its stores,
 * fingerprints files and deletes what the plan says through its own object store.
 */

/** What a runner remembers of a source's last successful run: the output keys it published. */
export interface SourceRecord {
  outputs: readonly string[];
  /** Sources that held the first copy of orders it repeats (its `duplicate_order_id` rejects). */
  duplicateOf?: readonly string[];
}

/** A source refused this run, and why (reported as a failure; nothing of it is published). */
export interface RefusedSource {
  key: string;
  error: string;
}

/** A source gone from the raw store since its last run: its outputs are to be deleted. */
export interface RetiredSource {
  key: string;
  outputs: string[];
}

export interface SourcePlanInput {
  /** Every key listed under the raw prefix (non-source keys are ignored). */
  listed: readonly string[];
  /** Per raw key, what its last successful run published. */
  recorded: Readonly<Record<string, SourceRecord>>;
  /** Keys asked for by name (`--file`): considered even if unchanged; default every source. */
  requested?: readonly string[];
}

export interface SourcePlan {
  /** The raw sources present, sorted. */
  sources: string[];
  refused: RefusedSource[];
  retired: RetiredSource[];
  /** Sources this run may process, in order: requested or present, minus the refused. */
  candidates: string[];
  /**
   * Present sources whose duplicates were held by a retired source: they must run again, whatever
   * their fingerprint says, so the orders they repeat load now that the first copy is gone.
   */
  rerun: string[];
}

/**
 * Refuses raw keys whose outputs would collide: output names derive from the base name, so
 * `orders_2025_01.json` and `orders_2025_01.jsonl` would replace (and clean up) each other's
 * Parquet. Every key of such a group is refused.
 */
export function collidingSources(keys: readonly string[]): RefusedSource[] {
  const byStem = new Map<string, string[]>();
  for (const key of keys) byStem.set(sourceStem(key), [...(byStem.get(sourceStem(key)) ?? []), key]);
  const refused: RefusedSource[] = [];
  for (const [stem, group] of byStem) {
    if (group.length < 2) continue;
    const error = `raw files ${group.join(', ')} share the name "${stem}", so their outputs would collide: keep one`;
    for (const key of group) refused.push({ key, error });
  }
  return refused;
}

/** Recorded sources that are no longer listed, with every output they published. */
export function retiredSources(
  sources: readonly string[],
  recorded: Readonly<Record<string, SourceRecord>>,
): RetiredSource[] {
  const present = new Set(sources);
  return Object.entries(recorded)
    .filter(([key]) => !present.has(key))
    .map(([key, record]) => ({ key, outputs: [...record.outputs] }));
}

/** Decides what a run over `listed` does before anything is read: refuse, retire, consider. */
export function planSources(input: SourcePlanInput): SourcePlan {
  const sources = input.listed.filter(isRawSourceKey).sort();
  const refused = collidingSources(sources);
  const refusedKeys = new Set(refused.map((r) => r.key));
  const retired = retiredSources(sources, input.recorded);
  const gone = new Set(retired.map((r) => r.key));
  const present = sources.filter((k) => !refusedKeys.has(k));
  const rerun = present.filter((k) => input.recorded[k]?.duplicateOf?.some((h) => gone.has(h)));
  const requested = input.requested ?? sources;
  return {
    sources,
    refused,
    retired,
    candidates: [...requested, ...rerun.filter((k) => !requested.includes(k))].filter(
      (k) => !refusedKeys.has(k),
    ),
    rerun,
  };
}

/** The base name owning an output key (`…/part-<stem>.parquet`, `quarantine/…/<stem>.jsonl`), if any. */
export function outputOwner(key: string): string | undefined {
  const name = keyFileName(key);
  // `part-<stem>.parquet`, as contracts/lake-keys.ts names them
  if (key.startsWith(LAKE.processedPrefix)) return /^part-(.+)\.parquet$/.exec(name)?.[1];
  return quarantineKey(sourceStem(key)) === key ? sourceStem(key) : undefined;
}

/**
 * The recorded state of a store that keeps none (S3): the outputs found, grouped by the source
 * that owns them. A group whose base name matches a listed source is recorded under its key; one
 * that matches none belongs to a deleted source, recorded as `raw/store_sales/<stem>.*`.
 */
export function recordFromOutputs(
  listed: readonly string[],
  outputs: readonly string[],
): Record<string, SourceRecord> {
  const keyOf = new Map(listed.filter(isRawSourceKey).map((k) => [sourceStem(k), k]));
  const recorded: Record<string, { outputs: string[] }> = {};
  for (const out of outputs) {
    const stem = outputOwner(out);
    if (stem === undefined) continue;
    const key = keyOf.get(stem) ?? `${LAKE.rawPrefix}${stem}.*`;
    recorded[key] = { outputs: [...(recorded[key]?.outputs ?? []), out] };
  }
  return recorded;
}

/** What the last successful run saw of a source file: size, modification time, content hash. */
export interface SourceFingerprint {
  size: number;
  mtimeMs: number;
  sha256: string;
  etlVersion: string;
}

/**
 * Whether a source needs a run, from its recorded fingerprint and what the store shows now:
 * `run` (new, changed, other ETL version, an output missing), `skip`, or `compare-content` when
 * only the modification time moved (a regenerated identical file): then the sha256 decides.
 */
export function runDecision(
  last: SourceFingerprint | undefined,
  now: { size: number; mtimeMs: number; etlVersion: string; outputsPresent: boolean },
): 'run' | 'skip' | 'compare-content' {
  if (!last || last.etlVersion !== now.etlVersion || !now.outputsPresent) return 'run';
  if (now.size !== last.size) return 'run';
  return now.mtimeMs === last.mtimeMs ? 'skip' : 'compare-content';
}

/**
 * Sources run at the same time may both load an order they share: each read the other's ids
 * before they were published. Returned: every source that wrote to a partition an earlier key of
 * the same concurrent run also wrote to, sorted; re-running these one by one settles the race
 * (each now sees the other's ids). Sources of different months never share a partition, so a
 * normal backfill re-runs nothing.
 */
export function contestedSources(
  results: readonly { sourceKey: string; partitions: readonly string[] }[],
): string[] {
  const seen = new Set<string>();
  const contested: string[] = [];
  for (const r of [...results].sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : 1))) {
    if (r.partitions.some((p) => seen.has(p))) contested.push(r.sourceKey);
    for (const p of r.partitions) seen.add(p);
  }
  return contested;
}
