import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LAKE } from '../../contracts/lake-layout.js';
import type { Published } from '../exports/published.js';

/** Key prefix of the dashboard reports in the analytics bucket: `latest/` and one folder per run. */
export const REPORTS_PREFIX = 'reports/';
/** The dashboard's page, the object a presigned URL points at. */
export const DASHBOARD_PAGE = 'index.html';

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
};

/** Where one refresh's results land in the analytics bucket. */
export interface PublishedKeys {
  csvPrefix: string;
  latestPrefix: string;
  datedPrefix: string;
  objects: number;
}

async function putFolder(s3: S3Client, bucket: string, dir: string, prefix: string): Promise<number> {
  const files = (await readdir(dir)).filter((f) => !f.startsWith('.')).sort();
  for (const file of files) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${prefix}${file}`,
        Body: await readFile(path.join(dir, file)),
        ContentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      }),
    );
  }
  return files.length;
}

/**
 * Uploads a refresh's staged results: the CSVs to `analytics_outputs/`, the dashboard to
 * `reports/<runId>/` and then `reports/latest/`. The dated copy goes first and `latest/` last, so
 * `latest/` is only overwritten once everything else is stored; each object is replaced whole (a
 * PUT is atomic per object). The bucket's default encryption (the stage key) applies.
 */
export async function publishToS3(
  s3: S3Client,
  bucket: string,
  staged: Published,
  runId: string,
): Promise<PublishedKeys> {
  const datedPrefix = `${REPORTS_PREFIX}${runId}/`;
  const latestPrefix = `${REPORTS_PREFIX}latest/`;
  let objects = await putFolder(s3, bucket, staged.dashboardDir, datedPrefix);
  objects += await putFolder(s3, bucket, staged.csvDir, LAKE.csvExports);
  objects += await putFolder(s3, bucket, staged.dashboardDir, latestPrefix);
  return { csvPrefix: LAKE.csvExports, latestPrefix, datedPrefix, objects };
}

/** The key of the latest published dashboard page, for presigned links. */
export const LATEST_DASHBOARD_KEY = `${REPORTS_PREFIX}latest/${DASHBOARD_PAGE}`;
