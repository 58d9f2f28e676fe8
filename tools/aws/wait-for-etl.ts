import { createInterface } from 'node:readline';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  isRawSourceKey,
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
import { type LedgerEntry, readLedger } from '../../lambda/core/source-ledger.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { shellWord } from '../lib/options.js';
import { mapConcurrent } from './concurrency.js';
import { pollUntil, WaitTimeoutError } from './poll.js';

/** A raw object just uploaded, by the version S3 gave it (none when the bucket is not versioned). */
export interface UploadedVersion {
  key: string;
  versionId?: string;
}

/**
 * What became of one uploaded version, once the ETL function's ledger names it: `applied` (its
 * facts published, `quarantined` records rejected), `refused` (`reason`: `empty_file`,
 * `not_json_file`, … for a file refused as a whole, or `colliding_source` when another raw object
 * shares its base name; the month keeps its previous facts), or `superseded` when the raw object
 * is no longer that version (uploaded again or deleted), whose own run then decides.
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
  /** Uploaded versions settled in the latest look, of all (it can go down: a twin flags one again). */
  onProgress?: (settled: number, total: number) => void;
  /** Pause between looks, first and longest (ms); tests shorten them. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** Where an uploaded version stands after one look: run, refused (and why) or superseded. */
type Settled = { state: 'ran' } | { state: 'refused'; reason: string } | { state: 'superseded' };

/** Sources looked at at once (a look reads a few small objects per source). */
const LOOKS_AT_ONCE = 8;

/**
 * `ops upload --wait`: waits until the ETL function has run each uploaded version, and the re-runs
 * those runs owe their twins (docs/duplicates.md). Every run records in the source's ledger
 * (`state/sources/<file>.json` in the processed bucket), once its outputs are published, the
 * version it read (the run of an older event, or a re-run without one, reads the newest) or,
 * refusing it, the version and why; a ledger naming the version is the proof, whatever order the
 * runs finish in. A version counts when its ledger names it, read unchanged around a free lease (a
 * run adds its flags after writing the ledger and before letting go), without a flag to run again
 * (`holdersChanged`) unless it was refused (a refusal publishes nothing); and all of them count,
 * in one look, only once no twin of an uploaded file is running or flagged to run again after
 * one. A run that errors writes no ledger and keeps its flags (Lambda retries it, then sends it
 * to the failure queue; the refresh runner's `--retry-quarantine` runs flagged sources): the wait
 * then ends at `timeoutMs`, naming what is still to run. Reads only: it changes nothing.
 */
export async function waitForEtl(options: WaitForEtlOptions): Promise<EtlOutcome[]> {
  if (options.uploaded.some((u) => !u.versionId)) {
    throw new OpsError(
      'WAIT_NEEDS_VERSIONING',
      `--wait tells the ETL function's runs apart by object version, and s3://${options.rawBucket} gave the upload none (its versioning is off or suspended)`,
      "the stack's raw bucket is versioned: check --raw-bucket or the outputs file; on another bucket, `npx ops etl --target aws` after the upload waits by running each file again",
    );
  }
  const raw = new S3ObjectStore(options.s3, options.rawBucket);
  const processed = new S3ObjectStore(options.s3, options.processedBucket);
  const quarantine = new S3ObjectStore(options.s3, options.quarantineBucket);
  const uploadedKeys = new Set(options.uploaded.map((u) => u.key));
  const total = options.uploaded.length;
  /**
   * The ledger of `key` while no run writes it: the same write (`writeId`) read before and after a
   * look at its lease, which is free. Null while a run holds the lease or wrote meanwhile.
   */
  const stableLedger = async (key: string): Promise<LedgerEntry | undefined | null> => {
    const before = await readLedger(processed, key);
    if (await isLeaseHeld(processed, sourceLeaseKey(key))) return null;
    const after = await readLedger(processed, key);
    return before?.writeId === after?.writeId ? after : null;
  };
  const settle = async ({ key, versionId }: UploadedVersion): Promise<Settled | undefined> => {
    const ledger = await stableLedger(key);
    if (ledger === null) return undefined;
    const { refused } = ledger ?? {};
    if (refused && refused.versionId === versionId) return { state: 'refused', reason: refused.reason };
    if (ledger && ledger.versionId === versionId)
      return ledger.holdersChanged?.length ? undefined : { state: 'ran' };
    // Uploaded again or deleted since: this version's run is no longer the one to wait for.
    return (await raw.head(key))?.versionId === versionId ? undefined : { state: 'superseded' };
  };
  /** Twins of the uploaded files still to run: running now, or flagged to run again after one. */
  const twinsToRun = async (): Promise<string[]> => {
    const others = (await processed.list(LAKE.sourceLedgerPrefix))
      .map((o) => ledgerRawKey(o.key))
      .filter((key) => !uploadedKeys.has(key) && isRawSourceKey(key));
    const toRun = await mapConcurrent(others, LOOKS_AT_ONCE, async (key) => {
      const seen = await readLedger(processed, key);
      const names = [...(seen?.duplicateOf ?? []), ...(seen?.holdersChanged ?? [])];
      if (!names.some((k) => uploadedKeys.has(k))) return false;
      const ledger = await stableLedger(key);
      if (ledger === null) return true;
      // a refused source publishes nothing when it runs again; a deleted one does not run
      const flagged =
        ledger?.event === 'put' && !ledger.refused && ledger.holdersChanged?.some((h) => uploadedKeys.has(h));
      return Boolean(flagged && (await raw.head(key)));
    });
    return others.filter((_, i) => toRun[i]);
  };
  let left: string[] = [...uploadedKeys];
  options.onProgress?.(0, total);
  try {
    return await pollUntil<EtlOutcome[]>(
      'the ETL function',
      async () => {
        const states = await mapConcurrent(options.uploaded, LOOKS_AT_ONCE, settle);
        options.onProgress?.(states.filter(Boolean).length, total);
        left = options.uploaded.filter((_, i) => !states[i]).map((u) => u.key);
        if (!left.length) left = await twinsToRun();
        if (left.length) return { state: `waiting for ${left.map(keyFileName).join(', ')}`, done: false };
        const outcomes = await mapConcurrent(options.uploaded, LOOKS_AT_ONCE, ({ key }, i) =>
          outcomeOf(quarantine, key, states[i] as Settled),
        );
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
    const names = left.map(keyFileName);
    const twins = left.some((k) => !uploadedKeys.has(k))
      ? ' (twins of uploaded files, to run again after them)'
      : '';
    throw new OpsError(
      'ETL_WAIT_TIMEOUT',
      `the ETL function had not run ${names.join(', ')}${twins} within ${Math.round(options.timeoutMs / 1000)} s; the upload itself is complete`,
      `a run that errored is in the function's log group and, after Lambda's retries, its failure queue (docs/aws-operations.md); \`npx ops etl --target aws --file ${shellWord(names[0] ?? '')}\` runs the file again and prints its error, or wait longer with \`--timeout SECONDS\``,
      { cause: err },
    );
  }
}

/** What a settled version became: a run's outcome counts its quarantined records. */
async function outcomeOf(quarantine: S3ObjectStore, key: string, settled: Settled): Promise<EtlOutcome> {
  if (settled.state !== 'ran') return { key, ...settled };
  return { key, state: 'applied', quarantined: await quarantinedRecords(quarantine, key) };
}

/** One line for the summary: each uploaded file and what the ETL function made of it. */
export function describeEtlOutcomes(outcomes: EtlOutcome[]): string {
  const applied = outcomes.filter((o) => o.state === 'applied').length;
  const each = outcomes.map((o) => {
    const name = keyFileName(o.key);
    if (o.state === 'superseded')
      return `${name} replaced or deleted in the bucket since (its own run decides)`;
    if (o.state === 'refused') return `${name} refused (${o.reason}; the month keeps its previous facts)`;
    return o.quarantined ? `${name} (${o.quarantined} quarantined)` : name;
  });
  return `${applied} of ${outcomes.length} applied by the ETL function: ${each.join(', ')}`;
}

/**
 * The error `ops upload --wait` ends with, after its summary, when the function refused files: as
 * `ops etl` does for them, so that `upload --wait && crawl` stops there.
 */
export function refusedFilesError(outcomes: EtlOutcome[]): OpsError | undefined {
  const refused = outcomes.flatMap((o) => (o.state === 'refused' ? [o] : []));
  if (!refused.length) return undefined;
  const colliding = refused.filter((o) => o.reason === 'colliding_source');
  const fixes = [
    ...(colliding.length < refused.length
      ? [
          'a file refused as a whole: the last record of its quarantine file (`quarantine/store_sales/<name>.jsonl` in the quarantine bucket) says why; fix or replace the file in the lake, then `npx ops upload --target aws --wait`',
        ]
      : []),
    ...(colliding.length
      ? [
          'colliding_source: another raw file shares its base name (`orders_2025_01.json` and `.jsonl`); delete the one you do not want from the raw bucket, and the function runs the other by itself',
        ]
      : []),
  ];
  return new OpsError(
    'ETL_FAILED',
    `the ETL function refused ${refused.length} uploaded file(s): ${refused.map((o) => `${keyFileName(o.key)} (${o.reason})`).join(', ')}`,
    fixes.join('; '),
  );
}

/** Records in the source's quarantine file, as its last run published it. */
async function quarantinedRecords(store: S3ObjectStore, rawKey: string): Promise<number> {
  let records = 0;
  try {
    const lines = createInterface({
      input: await store.get(quarantineKey(sourceStem(rawKey))),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) if (line) records++;
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
  }
  return records;
}
