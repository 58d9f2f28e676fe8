import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REGION } from './moto-server.js';

/** Creates buckets in the test region. */
export async function createBuckets(s3: S3Client, names: string[]): Promise<void> {
  for (const Bucket of names) {
    await s3.send(
      new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
  }
}

/** Every key under `prefix` with its size, sorted. */
export async function listKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ key: string; size: number }[]> {
  const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (res.Contents ?? [])
    .map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0 }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** An object's bytes. */
export async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

export async function headObject(s3: S3Client, bucket: string, key: string) {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
