import { createInterface } from 'node:readline';
import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { quarantineKey, sourceStem } from '../../contracts/lake-keys.js';
import { OpsError } from '../../contracts/ops-error.js';
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
 * What became of one uploaded version: `applied` once the ETL function's ledger names it (its
 * facts published, or, `refused`, the file refused as a whole and its previous facts kept), or
 * `superseded` when the raw object is no longer that version (uploaded again, or deleted), whose
 * own run then decides.
 */
export interface EtlOutcome {
  key: string;
  state: 'applied' | 'superseded';
  /** Records of the source's quarantine file (applied only; a refusal and the records kept from the previous version included). */
  quarantined?: number;
  /** The reason the file was refused as a whole (`empty_file`, `not_json`, …). */
  refused?: string;
}

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

/**
 * `ops upload --wait`: waits until the ETL function has applied each uploaded version. The S3
 * notification carries the object's version, which the function records in the source's ledger
 * (`state/sources/<file>.json` in the processed bucket) after publishing, so a ledger naming the
 * version is the proof, whatever order the runs finish in. A run that fails writes no ledger
 * (Lambda retries it, then sends it to the failure queue): the wait then ends at `timeoutMs` with
 * the files still pending. Reads only: it changes nothing in the buckets.
 */
export async function waitForEtl(options: WaitForEtlOptions): Promise<EtlOutcome[]> {
  if (options.uploaded.some((u) => !u.versionId)) {
    throw new OpsError(
      'WAIT_NEEDS_VERSIONING',
      `--wait tells the ETL function's runs apart by object version, and s3://${options.rawBucket} gave the upload none (versioning is off)`,
      "the stack's raw bucket is versioned: check --raw-bucket or the outputs file; on another bucket, `npx ops etl --target aws` after the upload waits by running each file again",
    );
  }
  const processed = new S3ObjectStore(options.s3, options.processedBucket);
  const quarantine = new S3ObjectStore(options.s3, options.quarantineBucket);
  const settled = new Map<string, EtlOutcome>();
  const total = options.uploaded.length;
  const check = async (u: UploadedVersion): Promise<EtlOutcome | undefined> => {
    const ledger = await readLedger(processed, u.key);
    if (ledger?.event === 'put' && ledger.versionId === u.versionId)
      return { key: u.key, state: 'applied', ...(await quarantineOf(quarantine, u.key)) };
    // Uploaded again or deleted since: this version's run is no longer the one to wait for.
    const current = await currentVersion(options.s3, options.rawBucket, u.key);
    return current === u.versionId ? undefined : { key: u.key, state: 'superseded' };
  };
  options.onProgress?.(0, total);
  try {
    return await pollUntil<EtlOutcome[]>(
      'the ETL function',
      async () => {
        for (const u of options.uploaded) {
          if (settled.has(u.key)) continue;
          const outcome = await check(u);
          if (outcome) settled.set(u.key, outcome);
        }
        options.onProgress?.(settled.size, total);
        const pending = options.uploaded.filter((u) => !settled.has(u.key)).map((u) => fileName(u.key));
        return pending.length
          ? { state: `waiting for ${pending.join(', ')}`, done: false }
          : {
              state: 'done',
              done: true,
              value: options.uploaded.map((u) => settled.get(u.key) as EtlOutcome),
            };
      },
      {
        timeoutMs: options.timeoutMs,
        initialDelayMs: options.initialDelayMs ?? 1_000,
        maxDelayMs: options.maxDelayMs ?? 10_000,
      },
    );
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const pending = options.uploaded.filter((u) => !settled.has(u.key)).map((u) => fileName(u.key));
    throw new OpsError(
      'ETL_WAIT_TIMEOUT',
      `the ETL function had not applied ${pending.join(', ')} within ${Math.round(options.timeoutMs / 1000)} s (${settled.size} of ${total} done); the upload itself is complete`,
      `a run that failed is in the function's log group and, after Lambda's retries, its failure queue (docs/aws-operations.md); \`npx ops etl --target aws --file ${pending[0]}\` runs the file again and prints its error, or wait longer with \`--timeout SECONDS\``,
      { cause: err },
    );
  }
}

const fileName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** One line for the summary: each uploaded file and what the ETL function made of it. */
export function describeEtlOutcomes(outcomes: EtlOutcome[]): string {
  const applied = outcomes.filter((o) => o.state === 'applied').length;
  const each = outcomes.map((o) => {
    const name = fileName(o.key);
    if (o.state === 'superseded')
      return `${name} replaced in the bucket since (its newer version runs on its own)`;
    if (o.refused) return `${name} refused as a whole (${o.refused}; the month keeps its previous facts)`;
    return o.quarantined ? `${name} (${o.quarantined} quarantined)` : name;
  });
  return `${applied} of ${outcomes.length} applied by the ETL function: ${each.join(', ')}`;
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
 * refusal when the file was refused as a whole (written last, after the records kept from the
 * version whose facts stay).
 */
async function quarantineOf(
  store: S3ObjectStore,
  rawKey: string,
): Promise<Pick<EtlOutcome, 'quarantined' | 'refused'>> {
  let quarantined = 0;
  let refused: string | undefined;
  try {
    const lines = createInterface({
      input: await store.get(quarantineKey(sourceStem(rawKey))),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (!line) continue;
      quarantined++;
      refused = isWholeFileRecord(line) ? (JSON.parse(line) as QuarantineRecord).reason : undefined;
    }
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
  }
  return { quarantined, ...(refused ? { refused } : {}) };
}
