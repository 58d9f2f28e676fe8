import type { S3Event, S3EventRecord } from 'aws-lambda';
import { encodeS3EventKey } from '../../../tools/aws/s3-event.js';
import { REGION } from './moto-server.js';
import { STACK } from './testbed.js';

/**
 * An S3 notification record as S3 sends it to the ETL function for `eventName` on `key` of the
 * testbed's raw bucket, with this sequencer and, for a versioned bucket, the object's version.
 */
export function s3EventRecord(
  eventName: string,
  key: string,
  sequencer: string,
  versionId?: string,
  at = new Date(),
): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: REGION,
    eventTime: at.toISOString(),
    eventName: eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'test' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'test', 'x-amz-id-2': 'test' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'raw-trigger',
      bucket: {
        name: STACK.rawBucket,
        ownerIdentity: { principalId: 'test' },
        arn: `arn:aws:s3:::${STACK.rawBucket}`,
      },
      object: {
        key: encodeS3EventKey(key),
        size: 0,
        eTag: '',
        sequencer,
        ...(versionId ? { versionId } : {}),
      },
    },
  };
}

/** One notification holding `records`. */
export const s3Events = (...records: S3EventRecord[]): S3Event => ({ Records: records });
