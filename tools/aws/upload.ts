import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isRawSourceKey } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { parseFxRates } from '../../lambda/core/fx-table.js';
import { sha256File } from '../etl/file-fingerprint.js';
import { fxReferenceInvalid } from '../etl/fx-reference.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { mapConcurrent } from './concurrency.js';

/** Multipart part size: S3's 5 MiB minimum rounded up; a 100 MB month is 12 parts. */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;
/** Parts of one file in flight at once (memory: files × parts × 8 MiB). */
const PARTS_IN_FLIGHT = 4;
/** User metadata holding the content's SHA-256, which decides whether an object is unchanged. */
export const SHA256_METADATA = 'sha256';

export interface UploadOptions {
  s3: S3Client;
  bucket: string;
  /** The local lake whose `raw/store_sales/*.json` files are uploaded under the same keys. */
  lake: string;
  /** Files uploaded at once; default 3. */
  concurrency?: number;
  /** Bytes sent so far of the bytes to send (unchanged files excluded). */
  onProgress?: (sent: number, total: number) => void;
}

export interface UploadSummary {
  /** `s3://bucket/raw/store_sales/`. */
  destination: string;
  /** `versionId`: the version S3 gave the object, in a versioned bucket (the stack's are). */
  uploaded: { key: string; bytes: number; multipart: boolean; versionId?: string }[];
  /** Keys whose object already holds the same content (same SHA-256). */
  skipped: string[];
  /**
   * The lake's FX reference (`reference/fx_rates.csv`): `uploaded` (new or changed), `unchanged`,
   * or `none` when the lake has none (the bucket's copy, if any, is left as it is).
   */
  fxReference: 'uploaded' | 'unchanged' | 'none';
  bytes: number;
  durationMs: number;
}

async function remoteSha256(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Metadata?.[SHA256_METADATA];
  } catch (err) {
    if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound') return undefined;
    throw err;
  }
}

/**
 * The lake's FX reference goes up first, checked as the ETL reads it: the Lambda converts each
 * uploaded file with the bucket's copy (same key), so the rates must be there before the files
 * that need them, and a file the ETL would refuse must not replace a good one.
 */
async function uploadFxReference(
  options: UploadOptions,
  store: LocalObjectStore,
): Promise<UploadSummary['fxReference']> {
  if (!(await store.head(LAKE.fxRates))) return 'none';
  const file = store.pathOf(LAKE.fxRates);
  const body = await readFile(file);
  try {
    parseFxRates(body.toString('utf8'));
  } catch (err) {
    throw fxReferenceInvalid(err, file, 'npx ops upload --target aws');
  }
  // the bytes just read and checked, not the file read again
  const sha = createHash('sha256').update(body).digest('hex');
  if (sha === (await remoteSha256(options.s3, options.bucket, LAKE.fxRates))) return 'unchanged';
  await new Upload({
    client: options.s3,
    params: {
      Bucket: options.bucket,
      Key: LAKE.fxRates,
      Body: body,
      ContentType: 'text/csv',
      Metadata: { [SHA256_METADATA]: sha },
    },
  }).done();
  return 'uploaded';
}

/**
 * `ops upload`: copies the lake's raw files to `s3://<raw bucket>/raw/store_sales/` (the ETL
 * Lambda fires on each), after its FX reference, if it has one (`reference/fx_rates.csv`). An
 * object whose `sha256` metadata matches the file is skipped; others go up through lib-storage
 * (one PUT up to 8 MiB, multipart above), a few files at a time. S3 shows an object only once its
 * upload completes, so a failed run leaves no partial object.
 */
export async function uploadRawFiles(options: UploadOptions): Promise<UploadSummary> {
  const started = performance.now();
  const store = new LocalObjectStore(options.lake);
  const files = (await store.list(LAKE.rawPrefix)).filter((o) => isRawSourceKey(o.key));
  if (!files.length) {
    throw new OpsError(
      'NO_RAW_FILES',
      `no raw files under ${store.pathOf(LAKE.rawPrefix.slice(0, -1))}`,
      'run `npx ops generate` first',
    );
  }
  const fxReference = await uploadFxReference(options, store);
  const hashes = await mapConcurrent(files, options.concurrency ?? 3, async (f) => {
    const sha = await sha256File(store.pathOf(f.key));
    return { ...f, sha, changed: sha !== (await remoteSha256(options.s3, options.bucket, f.key)) };
  });
  const todo = hashes.filter((f) => f.changed);
  const total = todo.reduce((s, f) => s + f.size, 0);
  const sent = new Map<string, number>();
  const report = () =>
    options.onProgress?.(
      [...sent.values()].reduce((a, b) => a + b, 0),
      total,
    );
  report();
  const uploaded = await mapConcurrent(todo, options.concurrency ?? 3, async (f) => {
    const upload = new Upload({
      client: options.s3,
      params: {
        Bucket: options.bucket,
        Key: f.key,
        Body: createReadStream(store.pathOf(f.key)),
        ContentType: 'application/x-ndjson',
        Metadata: { [SHA256_METADATA]: f.sha },
      },
      partSize: UPLOAD_PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
    });
    upload.on('httpUploadProgress', (p) => {
      sent.set(f.key, p.loaded ?? 0);
      report();
    });
    const { VersionId } = await upload.done();
    sent.set(f.key, f.size);
    report();
    return {
      key: f.key,
      bytes: f.size,
      multipart: f.size > UPLOAD_PART_BYTES,
      ...(VersionId && VersionId !== 'null' ? { versionId: VersionId } : {}),
    };
  });
  return {
    destination: `s3://${options.bucket}/${LAKE.rawPrefix}`,
    uploaded,
    skipped: hashes.filter((f) => !f.changed).map((f) => f.key),
    fxReference,
    bytes: total,
    durationMs: performance.now() - started,
  };
}
