import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging/index.js';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import type { Naming } from './naming.js';
import { denyInsecureTransport, policyDocument, type Statement } from './policy.js';

/** Key prefix, in the access-log bucket, of the server access logs of the bucket named `suffix`. */
export const accessLogPrefix = (suffix: string): string => `s3/${suffix}/`;

/** A prefix-scoped lifecycle action on top of the rules every bucket gets. */
export interface PrefixRule {
  id: string;
  prefix: string;
  /** Delete current objects this many days after creation. */
  expireDays?: number;
  /** Move current objects to another storage class this many days after creation. */
  transition?: { days: number; storageClass: 'STANDARD_IA' | 'GLACIER_IR' };
}

export interface SecureBucketProps {
  config: StageConfig;
  naming: Naming;
  /** Short role name, part of the bucket name: `raw`, `processed`, `access-logs`. */
  suffix: string;
  /** KMS key ARN for SSE-KMS; omitted only for the access-log bucket (S3 logging needs SSE-S3). */
  kmsKeyArn?: string;
  /**
   * Where S3 server access logs go; omitted only for the access-log bucket itself. Its policy is
   * needed too: logging is configured only after the policy lets the logging service write.
   */
  accessLogs?: Pick<SecureBucket, 'bucket' | 'policy'>;
  /** Days noncurrent versions are kept before they expire. */
  noncurrentDays: number;
  rules?: PrefixRule[];
  /** Extra bucket-policy statements (besides TLS-only), given the bucket ARN. */
  extraStatements?: (bucketArn: string) => Statement[];
}

/**
 * An S3 bucket with the baseline a reviewer expects on every bucket: ACLs disabled
 * (BucketOwnerEnforced), all public access blocked, default encryption, versioning with expiring
 * noncurrent versions, aborted stale multipart uploads, a TLS-1.2-only bucket policy and server
 * access logging. Callers add only what differs: key, prefix rules, extra policy statements.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const { config, naming, suffix, kmsKeyArn, accessLogs } = props;
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: naming.bucket(suffix),
      forceDestroy: config.forceDestroy,
    });
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, 'ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        kmsKeyArn
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyArn },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: lifecycleRules(config, props.noncurrentDays, props.rules ?? []),
      dependsOn: [versioning],
    });
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      // Allows first: order means nothing to IAM, but moto's logging-target check reads the
      // statements in order and fails on a `"Principal": "*"` before it reaches the grant.
      policy: policyDocument([
        ...(props.extraStatements?.(this.bucket.arn) ?? []),
        ...denyInsecureTransport(this.bucket.arn),
      ]),
      // Block Public Access must be in place before any policy is attached.
      dependsOn: [publicAccess],
    });
    if (accessLogs) {
      new S3BucketLoggingA(this, 'access-logging', {
        bucket,
        targetBucket: accessLogs.bucket.id,
        targetPrefix: accessLogPrefix(suffix),
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
        // S3 refuses a target bucket that does not yet grant the logging service
        // (InvalidTargetBucketForLogging), so wait for the log bucket's policy.
        dependsOn: [accessLogs.policy],
      });
    }
  }
}

function lifecycleRules(
  config: StageConfig,
  noncurrentDays: number,
  rules: PrefixRule[],
): S3BucketLifecycleConfigurationRule[] {
  const baseline: S3BucketLifecycleConfigurationRule = {
    id: 'baseline',
    status: 'Enabled',
    filter: [{ prefix: '' }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: config.lifecycle.abortMultipartDays }],
    noncurrentVersionExpiration: [{ noncurrentDays }],
    expiration: [{ expiredObjectDeleteMarker: true }],
  };
  return [
    baseline,
    ...rules.map(
      (r): S3BucketLifecycleConfigurationRule => ({
        id: r.id,
        status: 'Enabled',
        filter: [{ prefix: r.prefix }],
        ...(r.expireDays !== undefined && { expiration: [{ days: r.expireDays }] }),
        ...(r.transition && { transition: [r.transition] }),
      }),
    ),
  ];
}
