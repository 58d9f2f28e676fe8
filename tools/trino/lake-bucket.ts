import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { createS3Client, S3ObjectStore } from '../../lambda/s3-object-store.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import type { TrinoSettings } from './trino-options.js';

/** What a mirror of the processed facts to the lake bucket did. */
export interface MirrorSummary {
  uploaded: number;
  unchanged: number;
  deleted: number;
}

async function md5(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Makes the bucket's `processed/` and `quarantine/` equal to the lake folder's (the facts, and the
 * rejected records the data-quality table reads): uploads new or changed files
 * (an object is unchanged when its ETag, the MD5 of a single-part upload, matches the file) and
 * deletes objects the ETL has retired. Each object appears whole (S3 puts are atomic), and the
 * catalog reads only what the crawl registers after the mirror, so Trino never sees a half-written lake.
 */
export async function mirrorLake(
  lakeDir: string,
  bucket: NonNullable<TrinoSettings['bucket']>,
): Promise<MirrorSummary> {
  const local = new LocalObjectStore(lakeDir);
  const remote = new S3ObjectStore(
    createS3Client({
      region: bucket.region,
      ...(bucket.endpoint ? { endpoint: bucket.endpoint, forcePathStyle: true } : {}),
    }),
    bucket.name,
  );
  const summary: MirrorSummary = { uploaded: 0, unchanged: 0, deleted: 0 };
  try {
    for (const prefix of [LAKE.processedPrefix, LAKE.quarantinePrefix])
      await mirrorPrefix(local, remote, prefix, summary);
  } catch (err) {
    if (err instanceof OpsError) throw err;
    throw new OpsError(
      'LAKE_BUCKET_FAILED',
      `cannot mirror ${lakeDir}/{${LAKE.processedPrefix},${LAKE.quarantinePrefix}} to s3://${bucket.name}: ${(err as Error).message}`,
      'check --lake-bucket, --endpoint-url and the AWS_* credentials; re-running `npx ops etl --target trino` resumes',
      { cause: err },
    );
  }
  return summary;
}

async function mirrorPrefix(
  local: LocalObjectStore,
  remote: S3ObjectStore,
  prefix: string,
  summary: MirrorSummary,
): Promise<void> {
  {
    const wanted = await local.list(prefix);
    const present = new Map((await remote.list(prefix)).map((o) => [o.key, o]));
    for (const o of wanted) {
      const file = local.pathOf(o.key);
      const there = present.get(o.key);
      present.delete(o.key);
      if (there && there.size === o.size && there.etag === (await md5(file))) {
        summary.unchanged += 1;
        continue;
      }
      await remote.put(o.key, { file });
      summary.uploaded += 1;
    }
    for (const key of present.keys()) {
      await remote.delete(key);
      summary.deleted += 1;
    }
  }
}
