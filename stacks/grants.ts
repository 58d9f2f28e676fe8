import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import type { Statement } from './policy.js';

/**
 * Access of one role to one key prefix of one bucket. A grant that the code finds through an
 * environment variable names that variable, so the permission and the variable are set together
 * (`etl-function.ts` turns `env` into the Lambda's environment).
 */
export interface BucketGrant {
  sid: string;
  bucket: S3Bucket;
  /** Key prefix, ending in `/`; the grant covers `<prefix>*` only. */
  prefix: string;
  /**
   * `read`: get and head objects. `readVersions`: the same by version id too (a GET naming a
   * version, even the current one, needs s3:GetObjectVersion). `write`: put (multipart included)
   * and delete objects, since the ETL replaces its own outputs and removes the ones a re-run no
   * longer produces.
   */
  access: 'read' | 'readVersions' | 'write';
  /** Also allow listing keys under the prefix (and nowhere else in the bucket). */
  list?: boolean;
  /** Environment variable that receives the bucket name. */
  env?: string;
}

const ACTIONS = {
  read: ['s3:GetObject'],
  readVersions: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
} as const;

/** IAM statements for one bucket grant: object actions on `bucket/prefix*`, listing limited to the prefix. */
export function bucketGrantStatements(grant: BucketGrant): Statement[] {
  const objects: Statement = {
    Sid: grant.sid,
    Effect: 'Allow',
    Action: [...ACTIONS[grant.access]],
    Resource: `${grant.bucket.arn}/${grant.prefix}*`,
  };
  if (!grant.list) return [objects];
  return [
    objects,
    {
      Sid: `${grant.sid}List`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: grant.bucket.arn,
      Condition: { StringLike: { 's3:prefix': [`${grant.prefix}*`] } },
    },
  ];
}

/** Environment variables implied by a set of grants: `{ PROCESSED_BUCKET: <bucket name> }`. */
export function grantEnvironment(grants: BucketGrant[]): Record<string, string> {
  return Object.fromEntries(grants.filter((g) => g.env).map((g) => [g.env as string, g.bucket.bucket]));
}
