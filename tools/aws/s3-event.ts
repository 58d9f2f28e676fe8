import type { S3Event } from 'aws-lambda';

/**
 * Encodes a key the way S3 writes it into event notifications: each path segment URL-encoded,
 * spaces as `+`, and RFC 3986 reserved marks (`(`, `)`, `!`, `*`, `'`) as `%XX`, slashes kept.
 * `decodeS3Key` in lambda/s3-event-handler.ts is its inverse.
 */
export const encodeS3EventKey = (key: string): string =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');

/**
 * An `ObjectCreated:Put` notification for one object, shaped like the ones S3 sends the ETL
 * Lambda: what `ops etl --target aws` invokes the function with (or runs the handler on locally).
 */
export function s3PutEvent(
  bucket: string,
  key: string,
  size: number,
  region: string,
  now = new Date(),
): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: now.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'ops-cli' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'ops-cli', 'x-amz-id-2': 'ops-cli' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'ops-etl-backfill',
          bucket: { name: bucket, ownerIdentity: { principalId: 'ops-cli' }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeS3EventKey(key),
            size,
            eTag: '',
            // No sequencer: a backfill is unordered, it processes the current version; a made-up
            // value could never be compared with the ones S3 issues (lambda/core/source-ledger.ts).
            sequencer: '',
          },
        },
      },
    ],
  };
}
