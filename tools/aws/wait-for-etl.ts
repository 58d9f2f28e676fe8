import { createInterface } from 'node:readline';
import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import {
  keyFileName,
  ledgerRawKey,
  quarantineKey,
  sourceLeaseKey,
  sourceStem,
} from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { isLeaseHeld } from '../../lambda/core/lease.js';
import { ObjectNotFoundError } from '../../lambda/core/object-store.js';
import { isWholeFileRecord, type QuarantineRecord } from '../../lambda/core/quarantine-writer.js';
import { readLedger } from '../../lambda/core/source-ledger.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { pollUntil, WaitTimeoutError } from './poll.js';

/** A raw object just uploaded, by the version S3 gave it (none when the bucket is not versioned). */
export interface UploadedVersion {
  key: string;
  versionId?: string;
}

/**
 * What became of one uploaded version, once the ETL function's ledger names it: `applied` (its
 * facts published, `quarantined` records rejected), `refused` as a whole (`reason`: `empty_file`,
 * `not_json`, …, or `colliding_source` when another raw object shares its base name; the month
 * keeps its previous facts), or `superseded` when the raw object is no longer that version
 * (uploaded again or deleted), whose own run then decides.
 */
export type EtlOutcome =
  | { key: string; state: 'applied'; quarantined: number }
  | { key: string; state: 'refused'; reason: string }
  | { key: string; state: 'superseded' };

export interface WaitForEtlOptions {
  s3: S3Client;
  rawBucket: string;
  processedBucket: string;
  quarantineBucket: string;
  uploaded: UploadedVersion[];
  timeoutMs: number;
  /** Versions settled so far, of all. */
  onProgress?: (settled: number, total: number) => void;
  /** Pause between checks, first and longest (ms); tests shorten them. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** Where an uploaded version stands in one look: run (to be told applied or refused by its quarantine file), refused for its name, superseded, or still to settle (undefined). */
type Settled = 'ran' | 'colliding' | 'superseded';

/**
 * `ops upload --wait`: waits until the ETL function has run each uploaded version, and the re-runs
 * those runs set off. Every run records in the source's ledger (`state/sources/<file>.json` in the
 * processed bucket), after publishing, the version it read (the run of an older event, or a
 * re-run without one, reads the newest), or the version it refused for a colliding name; a ledger
 * naming the version is the proof, whatever order the runs finish in. A version counts once its
 * ledger names it, its lease is free (the run that wrote it may still flag it to run again) and
 * no ledger is flagged to run again after it (`holdersChanged`: its own, naming holders still
 * running, or a twin's, naming it: docs/duplicates.md), all in one look, so what it reports is
 * what the facts hold. A run that errors writes no ledger and leaves its flags (Lambda retries it,
 * then sends it to the failure queue): the wait then ends at `timeoutMs` naming the files still
 * pending. Reads only: it changes nothing in the buckets.
 */
export async function waitForEtl(options: WaitForEtlOptions): Promise<EtlOutcome[]> {
  if (options.uploaded.some((u) => !u.versionId)) {
    throw new OpsError(
      'WAIT_NEEDS_VERSIONING',
      `--wait tells the ETL function's runs apart by object version, and s3://${options.rawBucket} gave the upload none (its versioning is off or suspended)`,
      "the stack's raw bucket is versioned: check --raw-bucket or the outputs file; on another bucket, `npx ops etl --target aws` after the upload waits by running each file again",
    );
  }
  const processed = new S3ObjectStore(options.s3, options.processedBucket);
  const quarantine = new S3ObjectStore(options.s3, options.quarantineBucket);
  const uploadedKeys = new Set(options.uploaded.map((u) => u.key));
  const total = options.uploaded.length;
  const running = (key: string) => isLeaseHeld(processed, sourceLeaseKey(key));
  const settle = async ({ key, versionId }: UploadedVersion): Promise<Settled | undefined> => {
    // The lease before and after the ledger: a run adds its flags after writing the ledger and
    // before it lets go, so a free lease on both sides means no run was between those writes.
    if (await running(key)) return undefined;
    const ledger = await readLedger(processed, key);
    if (await running(key)) return undefined;
    if (ledger && ledger.versionId === versionId) return ledger.holdersChanged?.length ? undefined : 'ran';
    if (ledger && ledger.refusedVersionId === versionId) return 'colliding';
    // Uploaded again or deleted since: this version's run is no longer the one to wait for.
    return (await currentVersion(options.s3, options.rawBucket, key)) === versionId
      ? undefined
      : 'superseded';
  };
  /** Sources flagged to run again after an uploaded one (its twins). */
  const flaggedTwins = async (): Promise<string[]> => {
    const twins: string[] = [];
    for (const o of await processed.list(LAKE.sourceLedgerPrefix)) {
      const key = ledgerRawKey(o.key);
      if (uploadedKeys.has(key)) continue;
      const entry = await readLedger(processed, key);
      if (entry?.event === 'put' && entry.holdersChanged?.some((h) => uploadedKeys.has(h))) twins.push(key);
    }
    return twins;
  };
  let left: string[] = options.uploaded.map((u) => keyFileName(u.key));
  options.onProgress?.(0, total);
  try {
    return await pollUntil<EtlOutcome[]>(
      'the ETL function',
      async () => {
        const states = new Map<string, Settled>();
        for (const u of options.uploaded) {
          const state = await settle(u);
          if (state) states.set(u.key, state);
        }
        options.onProgress?.(states.size, total);
        left = options.uploaded.filter((u) => !states.has(u.key)).map((u) => keyFileName(u.key));
        if (!left.length)
          left = (await flaggedTwins()).map((key) => `${keyFileName(key)} (to run again after it)`);
        if (left.length) return { state: `waiting for ${left.join(', ')}`, done: false };
        const outcomes: EtlOutcome[] = [];
        for (const { key } of options.uploaded)
          outcomes.push(await outcomeOf(quarantine, key, states.get(key) as Settled));
        return { state: 'done', done: true, value: outcomes };
      },
      {
        timeoutMs: options.timeoutMs,
        initialDelayMs: options.initialDelayMs ?? 1_000,
        maxDelayMs: options.maxDelayMs ?? 10_000,
      },
    );
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    throw new OpsError(
      'ETL_WAIT_TIMEOUT',
      `the ETL function had not run ${left.join(', ')} within ${Math.round(options.timeoutMs / 1000)} s; the upload itself is complete`,
      `a run that errored is in the function's log group and, after Lambda's retries, its failure queue (docs/aws-operations.md); \`npx ops etl --target aws --file ${left[0]?.split(' ')[0]}\` runs the file again and prints its error, or wait longer with \`--timeout SECONDS\``,
      { cause: err },
    );
  }
}

/** What a settled version became; a run's refusal of the whole file is the last record of its quarantine file. */
async function outcomeOf(quarantine: S3ObjectStore, key: string, state: Settled): Promise<EtlOutcome> {
  if (state === 'superseded') return { key, state };
  if (state === 'colliding') return { key, state: 'refused', reason: 'colliding_source' };
  const { records, refusal } = await quarantineOf(quarantine, key);
  return refusal
    ? { key, state: 'refused', reason: refusal }
    : { key, state: 'applied', quarantined: records };
}

/** One line for the summary: each uploaded file and what the ETL function made of it. */
export function describeEtlOutcomes(outcomes: EtlOutcome[]): string {
  const applied = outcomes.filter((o) => o.state === 'applied').length;
  const each = outcomes.map((o) => {
    const name = keyFileName(o.key);
    if (o.state === 'superseded')
      return `${name} replaced or deleted in the bucket since (its own run decides)`;
    if (o.state === 'refused')
      return `${name} refused as a whole (${o.reason}; the month keeps its previous facts)`;
    return o.quarantined ? `${name} (${o.quarantined} quarantined)` : name;
  });
  return `${applied} of ${outcomes.length} applied by the ETL function: ${each.join(', ')}`;
}

/**
 * The error `ops upload --wait` ends with, after its summary, when the function refused files as a
 * whole: as `ops etl` does for them, so that `upload --wait && crawl` stops there.
 */
export function refusedFilesError(outcomes: EtlOutcome[]): OpsError | undefined {
  const refused = outcomes.flatMap((o) =>
    o.state === 'refused' ? [`${keyFileName(o.key)} (${o.reason})`] : [],
  );
  if (!refused.length) return undefined;
  return new OpsError(
    'ETL_FAILED',
    `the ETL function refused ${refused.length} uploaded file(s) as a whole: ${refused.join(', ')}`,
    "each refusal's record says why, in the quarantine bucket (`quarantine/store_sales/<name>.jsonl`, or `_refused/` for two raw files sharing a base name); fix or replace the file in the lake, then `npx ops upload --target aws --wait`",
  );
}

/** The raw object's current version id, or undefined when it is gone. */
async function currentVersion(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).VersionId;
  } catch (err) {
    if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound') return undefined;
    throw err;
  }
}

/**
 * The source's quarantine file, as its last run published it: how many records it holds, and the
 * reason of a refusal of the whole file (written last, after the records kept from the version
 * whose facts stay).
 */
async function quarantineOf(
  store: S3ObjectStore,
  rawKey: string,
): Promise<{ records: number; refusal?: string }> {
  let records = 0;
  let refusal: string | undefined;
  try {
    const lines = createInterface({
      input: await store.get(quarantineKey(sourceStem(rawKey))),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (!line) continue;
      records++;
      refusal = isWholeFileRecord(line) ? (JSON.parse(line) as QuarantineRecord).reason : undefined;
    }
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
  }
  return refusal ? { records, refusal } : { records };
}
