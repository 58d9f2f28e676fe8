import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { LAKE } from '../../contracts/lake-layout.js';

/**
 * The newest LastModified under `processed/store_sales/` of the processed bucket: when the ETL last
 * wrote (or replaced) a fact file. Undefined when there is none. One LIST page per 1,000 files.
 */
export async function latestFactWrite(s3: S3Client, bucket: string): Promise<Date | undefined> {
  let latest: Date | undefined;
  for await (const page of paginateListObjectsV2(
    { client: s3 },
    { Bucket: bucket, Prefix: LAKE.processedPrefix },
  )) {
    for (const o of page.Contents ?? []) {
      if (o.LastModified && (!latest || o.LastModified > latest)) latest = o.LastModified;
    }
  }
  return latest;
}
