import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { vi } from 'vitest';
import { s3PutEvent } from '../../../tools/aws/s3-event.js';
import { createBuckets } from './buckets.js';
import { REGION } from './moto-server.js';
import { STACK, type Testbed } from './testbed.js';

/**
 * An S3 notification record as S3 sends it to the ETL function for `eventName` on `key` of the
 * testbed's raw bucket, with this sequencer and, for a versioned bucket, the object's version:
 * the backfill's put event (tools/aws/s3-event.ts) with what S3 adds to its own.
 */
export function s3EventRecord(
  eventName: string,
  key: string,
  sequencer: string,
  versionId?: string,
  at = new Date(),
): S3EventRecord {
  const [put] = s3PutEvent(STACK.rawBucket, key, 0, REGION, at).Records as [S3EventRecord];
  return {
    ...put,
    eventName: eventName as S3EventRecord['eventName'],
    s3: {
      ...put.s3,
      configurationId: 'raw-trigger',
      object: { ...put.s3.object, sequencer, ...(versionId ? { versionId } : {}) },
    },
  };
}

/** One notification holding `records`. */
export const s3Events = (...records: S3EventRecord[]): S3Event => ({ Records: records });

/**
 * The stack's raw, processed and quarantine buckets (the raw one versioned, as the stack's is)
 * and the real handler module (lambda/handler.ts) configured for them through its environment,
 * as on Lambda. For a `beforeAll`; `vi.unstubAllEnvs()` after.
 */
export async function handlerOnTestbed(bed: Testbed): Promise<typeof import('../../../lambda/handler.js')> {
  await createBuckets(bed.clients.s3, [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]);
  await bed.clients.s3.send(
    new PutBucketVersioningCommand({
      Bucket: STACK.rawBucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  vi.stubEnv('PROCESSED_BUCKET', STACK.processedBucket);
  vi.stubEnv('QUARANTINE_BUCKET', STACK.quarantineBucket);
  vi.stubEnv('S3_ENDPOINT', bed.proxy.url);
  vi.resetModules();
  return import('../../../lambda/handler.js');
}
