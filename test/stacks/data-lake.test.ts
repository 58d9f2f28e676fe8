import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../stacks/config.js';
import {
  ACCOUNT_ID,
  bucketNamed,
  onlyResource,
  ref,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthStacks,
  type TfJson,
} from './synth-fixture.js';

const DATA_BUCKETS = ['raw', 'processed', 'quarantine', 'athena-results', 'analytics'];
const ALL_BUCKETS = [...DATA_BUCKETS, 'access-logs'];

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

/** The companion resource of a bucket (e.g. its encryption configuration), by the bucket reference. */
function companion(stack: TfJson, type: string, bucketName: string): Record<string, unknown> {
  const found = resourcesOf(stack, type).filter(
    ([, r]) => r.bucket === ref('aws_s3_bucket', bucketName, 'id'),
  );
  expect(found, `${type} of ${bucketName}`).toHaveLength(1);
  return found[0]![1];
}

describe.each(['dev', 'prod'] as const)('data lake (%s)', (stage) => {
  const stack = () => synth.stacks[stage];

  it('has one bucket per data class plus an access-log bucket, named by stage', () => {
    const names = resourcesOf(stack(), 'aws_s3_bucket').map(([, r]) => String(r.bucket));
    expect(names).toHaveLength(ALL_BUCKETS.length);
    for (const role of ALL_BUCKETS) {
      expect(names.some((n) => n.startsWith(`store-sales-${stage}-${role}-`))).toBe(true);
    }
  });

  it.each(ALL_BUCKETS)('%s bucket blocks all public access and disables ACLs', (role) => {
    const bucket = bucketNamed(stack(), role);
    expect(companion(stack(), 'aws_s3_bucket_public_access_block', bucket)).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(companion(stack(), 'aws_s3_bucket_ownership_controls', bucket)).toMatchObject({
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  it.each(DATA_BUCKETS)('%s bucket is encrypted with the stage KMS key and a bucket key', (role) => {
    const [keyName] = onlyResource(stack(), 'aws_kms_key');
    const sse = companion(
      stack(),
      'aws_s3_bucket_server_side_encryption_configuration',
      bucketNamed(stack(), role),
    );
    expect(sse.rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: 'aws:kms',
          kms_master_key_id: ref('aws_kms_key', keyName, 'arn'),
        },
        bucket_key_enabled: true,
      },
    ]);
  });

  it('encrypts the access-log bucket with SSE-S3, the only encryption S3 log delivery accepts', () => {
    const sse = companion(
      stack(),
      'aws_s3_bucket_server_side_encryption_configuration',
      bucketNamed(stack(), 'access-logs'),
    );
    expect(sse.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
  });

  it.each(ALL_BUCKETS)('%s bucket policy denies non-TLS and pre-TLS-1.2 requests', (role) => {
    const bucket = bucketNamed(stack(), role);
    const statements = statementsOf(companion(stack(), 'aws_s3_bucket_policy', bucket).policy);
    const arn = ref('aws_s3_bucket', bucket, 'arn');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }),
    );
    expect(statements.filter((s) => s.Effect === 'Allow' && s.Principal === '*')).toEqual([]);
  });

  it.each(ALL_BUCKETS)('%s bucket is versioned', (role) => {
    const versioning = companion(stack(), 'aws_s3_bucket_versioning', bucketNamed(stack(), role));
    expect(versioning.versioning_configuration).toEqual({ status: 'Enabled' });
  });

  it.each(DATA_BUCKETS)('%s bucket logs access to the access-log bucket', (role) => {
    const logging = companion(stack(), 'aws_s3_bucket_logging', bucketNamed(stack(), role));
    expect(logging.target_bucket).toBe(ref('aws_s3_bucket', bucketNamed(stack(), 'access-logs'), 'id'));
    expect(logging.target_prefix).toBe(`s3/${role}/`);
  });

  it('lets only S3 log delivery from this account write into the access-log bucket', () => {
    const statements = statementsOf(
      companion(stack(), 'aws_s3_bucket_policy', bucketNamed(stack(), 'access-logs')).policy,
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(DATA_BUCKETS.length);
    for (const role of DATA_BUCKETS) {
      // Each logged bucket may write only its own prefix.
      expect(allows).toContainEqual(
        expect.objectContaining({
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${ref('aws_s3_bucket', bucketNamed(stack(), 'access-logs'), 'arn')}/s3/${role}/*`,
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
            ArnEquals: { 'aws:SourceArn': expect.stringContaining(`store-sales-${stage}-${role}-`) },
          },
        }),
      );
    }
  });

  it('expires Athena results, transitions old raw files and expires quarantined records', () => {
    const { lifecycle } = STAGES[stage];
    const rules = (role: string) =>
      companion(stack(), 'aws_s3_bucket_lifecycle_configuration', bucketNamed(stack(), role)).rule as Record<
        string,
        unknown
      >[];
    expect(rules('athena-results')).toContainEqual(
      expect.objectContaining({
        filter: [{ prefix: 'query-results/' }],
        expiration: [{ days: lifecycle.athenaResultsExpireDays }],
      }),
    );
    expect(rules('raw')).toContainEqual(
      expect.objectContaining({
        filter: [{ prefix: 'raw/store_sales/' }],
        transition: [{ days: lifecycle.rawArchiveAfterDays, storage_class: 'GLACIER_IR' }],
      }),
    );
    expect(rules('quarantine')).toContainEqual(
      expect.objectContaining({ expiration: [{ days: lifecycle.quarantineExpireDays }] }),
    );
  });

  it.each(ALL_BUCKETS)('%s bucket aborts stale multipart uploads and expires old versions', (role) => {
    const rules = companion(stack(), 'aws_s3_bucket_lifecycle_configuration', bucketNamed(stack(), role))
      .rule as Record<string, unknown>[];
    const baseline = rules.find((r) => r.id === 'baseline');
    expect(baseline).toMatchObject({
      status: 'Enabled',
      abort_incomplete_multipart_upload: [
        { days_after_initiation: STAGES[stage].lifecycle.abortMultipartDays },
      ],
    });
    expect(baseline?.noncurrent_version_expiration).toEqual([{ noncurrent_days: expect.any(Number) }]);
  });

  it('lets terraform destroy empty buckets in dev only', () => {
    const forceDestroy = resourcesOf(stack(), 'aws_s3_bucket').map(([, r]) => r.force_destroy);
    expect(new Set(forceDestroy)).toEqual(new Set([stage === 'dev']));
  });
});

describe('encryption key', () => {
  it('rotates yearly and lets CloudWatch Logs use it only for this account', () => {
    const [, key] = onlyResource(synth.stacks.prod, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    const logs = statementsOf(key.policy).find(
      (s) => s.Sid === 'CloudWatchLogsEncryptsThisAccountsLogGroups',
    );
    expect(logs?.Condition?.ArnLike).toEqual({
      'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:*`,
    });
  });
});
