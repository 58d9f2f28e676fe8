import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertValidKey,
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectStore,
  type PutBody,
  type PutOptions,
  type VersionedObject,
} from './core/object-store.js';

/** Options for the S3 client; `endpoint` + path-style addressing let tests aim it at moto. */
export interface S3ClientOptions {
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

/** An S3 client for the ETL; region and credentials come from the usual AWS environment. */
export const createS3Client = (options: S3ClientOptions = {}): S3Client =>
  new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
  });

/** A missing key, or a version named by a GET that was deleted for good since its HEAD. */
const isNotFound = (err: unknown): boolean =>
  err instanceof NoSuchKey ||
  err instanceof NotFound ||
  ['NotFound', 'NoSuchVersion'].includes((err as { name?: string }).name ?? '');

/**
 * One S3 bucket as an object store. Puts are single requests (PutObject, or a lib-storage
 * multipart upload for large files), and S3 makes an object visible only once its upload
 * completes, which is the atomicity the ETL relies on.
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {
    this.location = `s3://${bucket}`;
  }

  async get(key: string, options: { versionId?: string } = {}): Promise<Readable> {
    assertValidKey(key);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: options.versionId }),
      );
      // In Node the SDK's body is an http.IncomingMessage, a Readable.
      return res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(this.location, key, { cause: err });
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        etag: unquote(res.ETag),
        lastModified: res.LastModified ?? new Date(0),
        ...(res.VersionId && res.VersionId !== 'null' ? { versionId: res.VersionId } : {}),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<void> {
    assertValidKey(key);
    const Body = typeof body === 'string' || body instanceof Uint8Array ? body : createReadStream(body.file);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body, ContentType: options.contentType },
      // Parts of 16 MiB: Parquet files of a busy month stay a single PutObject.
      partSize: 16 * 1024 * 1024,
      queueSize: 2,
    });
    await upload.done();
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of res.Contents ?? []) {
        if (!o.Key) continue;
        out.push({
          key: o.Key,
          size: o.Size ?? 0,
          etag: unquote(o.ETag),
          lastModified: o.LastModified ?? new Date(0),
        });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async read(key: string): Promise<VersionedObject | undefined> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? []);
      return { bytes, version: unquote(res.ETag) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** One PutObject with `If-None-Match: *` or `If-Match: <ETag>` (S3's conditional writes). */
  async putIf(
    key: string,
    body: string,
    expected: string | null,
    options: PutOptions = {},
  ): Promise<string | undefined> {
    assertValidKey(key);
    try {
      const res = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ...(expected === null ? { IfNoneMatch: '*' } : { IfMatch: `"${expected}"` }),
        }),
      );
      return unquote(res.ETag);
    } catch (err) {
      if (lostRace(err)) return undefined;
      throw err;
    }
  }

  async deleteIf(key: string, expected: string): Promise<boolean> {
    assertValidKey(key);
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: `"${expected}"` }),
      );
      return true;
    } catch (err) {
      if (lostRace(err)) return false;
      throw err;
    }
  }
}

/**
 * The HTTP status of a failed S3 call. Conditional writes lose with 412 (the key moved on), 409
 * (another conditional write to the key is in flight) or 404 (the version to replace is gone).
 */
const status = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const lostRace = (err: unknown): boolean => [412, 409, 404].includes(status(err) ?? 0);

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');
