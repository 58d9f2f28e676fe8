import type { Readable } from 'node:stream';

/**
 * The storage the ETL reads from and writes to, keyed like S3 (`raw/store_sales/orders_2025_01.json`).
 * Two implementations share it: a local folder (`tools/storage/local-object-store.ts`, the lake)
 * and an S3 bucket (`lambda/s3-object-store.ts`), so the core never knows which one it runs on.
 */
export interface ObjectStore {
  /** Where the store points, for logs and messages (`file:///abs/lake`, `s3://bucket`). */
  readonly location: string;
  /**
   * Streams an object's bytes; throws `ObjectNotFoundError` when the key does not exist.
   * `versionId` (from `head`) reads that version of a versioned bucket's object, not whatever
   * was uploaded since; stores without versions ignore it.
   */
  get(key: string, options?: { versionId?: string }): Promise<Readable>;
  /** Size and fingerprint of one object, or undefined when it does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Stores an object atomically: readers see the old object or the new one, never a part.
   * `{ file }` uploads a local file (the ETL stages Parquet in a temporary folder first).
   */
  put(key: string, body: PutBody, options?: PutOptions): Promise<void>;
  /** Every object whose key starts with `prefix` (a string prefix, as S3 lists), sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Removes an object; removing a missing key is not an error (S3 semantics). */
  delete(key: string): Promise<void>;
  /**
   * Compare-and-swap for small control objects (the Lambda's ledgers and leases, the refresh
   * lock), so that of several writers racing on one key exactly one wins. `read` returns the
   * bytes with their `version`, an opaque tag that changes with every write; `putIf` writes only
   * if the key is still at `expected` (`null`: only if the key is absent) and returns the new
   * version, or undefined when another writer got there first; `deleteIf` likewise.
   */
  read(key: string): Promise<VersionedObject | undefined>;
  putIf(
    key: string,
    body: string,
    expected: string | null,
    options?: PutOptions,
  ): Promise<string | undefined>;
  deleteIf(key: string, expected: string): Promise<boolean>;
}

/** A small object's bytes and the version `putIf`/`deleteIf` compare against. */
export interface VersionedObject {
  bytes: Buffer;
  version: string;
}

/** One stored object. `etag` is a change fingerprint, not necessarily a content hash. */
export interface ObjectInfo {
  key: string;
  /** Bytes. */
  size: number;
  etag: string;
  lastModified: Date;
  /** The object's version in a versioned bucket (S3 only). */
  versionId?: string;
}

/** What `put` accepts: bytes, text (UTF-8) or a local file to upload. */
export type PutBody = Uint8Array | string | { file: string };

export interface PutOptions {
  contentType?: string;
}

/** The key asked for does not exist in the store. */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  readonly code = 'object_not_found';
  constructor(
    readonly location: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`object not found: ${key} in ${location}`, options);
  }
}

/** A key the store refuses: empty, absolute, or escaping the store with `..`. */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  readonly code = 'invalid_key';
  constructor(readonly key: string) {
    super(`invalid object key "${key}": keys are relative, '/'-separated and never contain '..'`);
  }
}

/** Throws `InvalidKeyError` unless `key` is a plain relative object key. */
export function assertValidKey(key: string): void {
  if (
    !key ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.split('/').some((p) => p === '..' || p === '.')
  ) {
    throw new InvalidKeyError(key);
  }
}
