import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import { LAKE } from '../contracts/lake-layout.js';
import type { StageConfig } from './config.js';
import type { Naming } from './naming.js';
import type { Statement } from './policy.js';
import { accessLogPrefix, SecureBucket } from './secure-bucket.js';

export interface DataLakeProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
}

/** Key prefix of Athena query results inside the results bucket; lifecycle expires it. */
export const ATHENA_RESULTS_PREFIX = 'query-results/';
/** The buckets whose server access logs go to the access-log bucket (bucket name suffixes). */
const LOGGED_BUCKETS = ['raw', 'processed', 'quarantine', 'athena-results', 'analytics'] as const;

/** Key prefix of the tables dbt-athena builds, in the processed bucket (never expired). */
export const DBT_DATA_PREFIX = 'dbt/';

/**
 * The S3 data lake: one bucket per data class, keys laid out exactly as the local lake
 * (`raw/store_sales/…` in the raw bucket, `processed/store_sales/…` in the processed bucket), so
 * `ops --target aws` uses the same keys as the local folder.
 *
 * Separate buckets rather than prefixes of one, because what differs between the classes is set
 * per bucket: raw is the source of truth (versions kept 90 days, archived to Glacier IR), processed
 * is rebuildable from raw, quarantine holds rejected customer records and expires them, Athena
 * results are scratch. A bucket per class also keeps each policy and each IAM grant short
 * (the ETL role can read one bucket and write two), and a wrong prefix cannot leak across.
 * An analytics bucket holds the published results (CSVs, dashboard reports). Another bucket
 * receives the S3 server access logs of the others.
 */
export class DataLake extends Construct {
  readonly raw: S3Bucket;
  readonly processed: S3Bucket;
  readonly quarantine: S3Bucket;
  readonly athenaResults: S3Bucket;
  /** Published results of `ops refresh`: the CSVs BI reads and the dashboard reports. */
  readonly analytics: S3Bucket;
  readonly accessLogs: S3Bucket;

  constructor(scope: Construct, id: string, { config, naming, accountId, kmsKeyArn }: DataLakeProps) {
    super(scope, id);
    const { lifecycle } = config;

    const logs = new SecureBucket(this, 'access-logs', {
      config,
      naming,
      suffix: 'access-logs',
      noncurrentDays: lifecycle.derivedNoncurrentDays,
      rules: [{ id: 'expire-access-logs', prefix: '', expireDays: lifecycle.accessLogExpireDays }],
      // One grant per logged bucket: it may write only its own prefix.
      extraStatements: (arn) =>
        LOGGED_BUCKETS.map(
          (suffix): Statement => ({
            Sid: `AccessLogsFrom${suffix.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${arn}/${accessLogPrefix(suffix)}*`,
            Condition: {
              StringEquals: { 'aws:SourceAccount': accountId },
              ArnEquals: { 'aws:SourceArn': `arn:${config.partition}:s3:::${naming.bucket(suffix)}` },
            },
          }),
        ),
    });
    const common = { config, naming, kmsKeyArn, accessLogs: logs };
    const raw = new SecureBucket(this, 'raw', {
      ...common,
      suffix: 'raw',
      noncurrentDays: lifecycle.rawNoncurrentDays,
      rules: [
        {
          id: 'archive-old-raw',
          prefix: LAKE.rawPrefix,
          transition: { days: lifecycle.rawArchiveAfterDays, storageClass: 'GLACIER_IR' },
        },
      ],
    });
    const processed = new SecureBucket(this, 'processed', {
      ...common,
      suffix: 'processed',
      noncurrentDays: lifecycle.derivedNoncurrentDays,
    });
    const quarantine = new SecureBucket(this, 'quarantine', {
      ...common,
      suffix: 'quarantine',
      noncurrentDays: lifecycle.derivedNoncurrentDays,
      rules: [
        { id: 'expire-rejects', prefix: LAKE.quarantinePrefix, expireDays: lifecycle.quarantineExpireDays },
      ],
    });
    const results = new SecureBucket(this, 'athena-results', {
      ...common,
      suffix: 'athena-results',
      noncurrentDays: lifecycle.derivedNoncurrentDays,
      rules: [
        {
          id: 'expire-query-results',
          prefix: ATHENA_RESULTS_PREFIX,
          expireDays: lifecycle.athenaResultsExpireDays,
        },
      ],
    });

    // Published results: rebuilt by every refresh, so old versions are derived data too.
    const analytics = new SecureBucket(this, 'analytics', {
      ...common,
      suffix: 'analytics',
      noncurrentDays: lifecycle.derivedNoncurrentDays,
    });

    this.raw = raw.bucket;
    this.processed = processed.bucket;
    this.quarantine = quarantine.bucket;
    this.athenaResults = results.bucket;
    this.analytics = analytics.bucket;
    this.accessLogs = logs.bucket;
  }
}
