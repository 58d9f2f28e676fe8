/**
 * Every number and name that differs between stages lives here, once. Constructs read a
 * `StageConfig`; they hold no literals of their own for sizes, retention or names.
 */

/** Project slug: the first part of every AWS resource name (see `naming.ts`). */
export const PROJECT = 'store-sales';

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGE_NAMES)[number];

/**
 * How Athena finds the fact tables' partitions:
 * - `crawler`: a Glue crawler infers tables and registers partitions after each ETL run. Use it
 *   while the schema still moves, or when engines other than Athena (Spark, Redshift Spectrum)
 *   read the catalog, since they ignore projection.
 * - `projection`: Terraform defines the tables from the fact contract with partition projection,
 *   so new months are queryable at once and no crawler runs (nor costs). Use it once the layout is
 *   fixed, as it is in prod.
 */
export type CatalogMode = 'crawler' | 'projection';

export interface StageConfig {
  stage: Stage;
  /** AWS region of the whole stack; `STORE_SALES_AWS_REGION` overrides it at synth (see app.ts). */
  region: string;
  /** ARN partition, for the ARNs built from names (log groups, Glue catalog). */
  partition: string;
  /** Allow `terraform destroy` to empty buckets and drop a workgroup that still holds objects. */
  forceDestroy: boolean;
  lambda: {
    /**
     * MB. The ETL streams, so its RSS does not grow with its file (measured: 256 MiB peak for a
     * 132 MB month of 200k orders; target <= 512 MB for any input), but it holds the order_ids
     * every other source loaded, by their hashes (~7 bytes an id, ~14 while indexed): it grows
     * with the lake. 1024 MB holds about five years of 1M orders a month by estimate (a year: peak
     * 484-535 MiB, docs/scale.md) and buys CPU (~0.58 vCPU at 1024 MB); the etl-memory alarm says
     * when to raise it.
     */
    memoryMb: number;
    /**
     * Seconds. A monthly file must finish in one invocation: 200k orders took 15 s on one busy
     * core here, so even a month several times larger fits with a wide margin.
     */
    timeoutSeconds: number;
    /**
     * MB of /tmp, where the ETL stages Parquet before upload. Staged Parquet is about 11 % of the
     * raw JSON (200k orders: 132 MB raw -> 15 MB), so the 512 MB minimum holds a ~4 GB month.
     */
    tmpStorageMb: number;
    /**
     * Concurrent executions kept for (and capping) the ETL. Unset by default: Lambda keeps 10
     * executions of the account unreserved, so on an account at the default quota of 10 any
     * reservation fails the apply after the function exists. Set it only where the quota is raised.
     */
    reservedConcurrency?: number;
    /** Async retries of a failed S3 event before it goes to the failure queue (0-2). */
    maxRetryAttempts: number;
    /** Seconds an S3 event may wait for a retry before it goes to the failure queue. */
    maxEventAgeSeconds: number;
  };
  /** Days CloudWatch keeps the ETL's logs (security baseline: at least a year). */
  logRetentionDays: number;
  lifecycle: {
    /** Days before raw monthly files move to Glacier Instant Retrieval (still readable at once). */
    rawArchiveAfterDays: number;
    /** Days noncurrent (overwritten or deleted) object versions are kept, per bucket role. */
    rawNoncurrentDays: number;
    derivedNoncurrentDays: number;
    /** Days rejected records are kept: they hold customer data that failed validation. */
    quarantineExpireDays: number;
    /** Days Athena query results are kept. */
    athenaResultsExpireDays: number;
    /** Days S3 server access logs are kept. */
    accessLogExpireDays: number;
    /** Days before unfinished multipart uploads are aborted (they are billed while they wait). */
    abortMultipartDays: number;
  };
  athena: {
    /** Bytes one query may scan before Athena cancels it (the cost guard). */
    bytesScannedCutoffPerQuery: number;
  };
  catalog: {
    mode: CatalogMode;
  };
  /** Days a failed ETL event is kept in the failure queue (SQS maximum: 14). */
  failureQueueRetentionDays: number;
  /** Days a scheduled KMS key deletion waits (7-30) so a mistaken destroy can be undone. */
  kmsDeletionWindowDays: number;
  /** The refresh runner (CodeBuild) that runs `ops refresh --target aws` (see refresh-runner.ts). */
  refresh: {
    /**
     * EventBridge Scheduler expression of the backstop run, in `scheduleTimezone`. Daily by
     * default: every successful ETL run triggers a refresh anyway, the schedule catches anything
     * a trigger missed (docs/aws-operations.md).
     */
    schedule: string;
    scheduleTimezone: string;
    /**
     * CodeBuild compute type. SMALL (2 vCPU, 3 GB) holds dbt, Node and Chrome; measured local
     * refresh time is in docs/aws-operations.md.
     */
    computeType: 'BUILD_GENERAL1_SMALL' | 'BUILD_GENERAL1_MEDIUM';
    /** Minutes a build may run before CodeBuild stops it (npm ci + refresh take a few minutes). */
    buildTimeoutMinutes: number;
    /**
     * How long EventBridge (the rules and the schedule) keeps retrying to start a build when the
     * start fails (throttled, CodeBuild unavailable), and how often, before the event goes to the
     * trigger dead-letter queue (which alarms).
     */
    triggerRetry: { maximumEventAgeSeconds: number; maximumRetryAttempts: number };
  };
  /** Who hears about failures (see alarms.ts). */
  alerts: {
    /** E-mail addresses subscribed to the alarm topic; none by default (each must confirm). */
    emails: readonly string[];
    /**
     * Quarantined records per hour, over all sources, that count as a spike. The generator's
     * default month (~5,000 orders) quarantines a handful; a producer breaking the raw contract
     * quarantines a whole file.
     */
    quarantineSpikePerHour: number;
    /**
     * Peak memory of an ETL run, in % of `lambda.memoryMb`, above which the etl-memory alarm asks
     * for more: the held order_ids grow with the lake (~7-14 MiB per million), and a run past
     * 100 % fails. At 1M orders a month, a year's lake peaked at ~50 % of 1,024 MB (docs/scale.md).
     */
    etlMemoryPercent: number;
  };
}

const GIB = 1024 ** 3;

const shared = {
  region: 'eu-west-1',
  refresh: {
    schedule: 'cron(0 5 * * ? *)',
    scheduleTimezone: 'UTC',
    computeType: 'BUILD_GENERAL1_SMALL',
    buildTimeoutMinutes: 60,
    triggerRetry: { maximumEventAgeSeconds: 24 * 3600, maximumRetryAttempts: 185 },
  },
  alerts: { emails: [], quarantineSpikePerHour: 100, etlMemoryPercent: 80 },
  partition: 'aws',
  logRetentionDays: 365,
  failureQueueRetentionDays: 14,
  lifecycle: {
    rawArchiveAfterDays: 90,
    rawNoncurrentDays: 90,
    derivedNoncurrentDays: 7,
    quarantineExpireDays: 90,
    athenaResultsExpireDays: 7,
    accessLogExpireDays: 365,
    abortMultipartDays: 7,
  },
} as const;

/** The two stages. dev is cheap to tear down; prod keeps data on destroy and uses projection. */
export const STAGES: Record<Stage, StageConfig> = {
  dev: {
    ...shared,
    stage: 'dev',
    forceDestroy: true,
    lambda: {
      memoryMb: 1024,
      timeoutSeconds: 600,
      tmpStorageMb: 512,
      maxRetryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    athena: { bytesScannedCutoffPerQuery: 1 * GIB },
    catalog: { mode: 'crawler' },
    kmsDeletionWindowDays: 7,
  },
  prod: {
    ...shared,
    stage: 'prod',
    forceDestroy: false,
    lambda: {
      memoryMb: 1024,
      timeoutSeconds: 900,
      tmpStorageMb: 512,
      maxRetryAttempts: 2,
      maxEventAgeSeconds: 6 * 3600,
    },
    athena: { bytesScannedCutoffPerQuery: 10 * GIB },
    catalog: { mode: 'projection' },
    kmsDeletionWindowDays: 30,
  },
};
