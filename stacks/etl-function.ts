import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function/index.js';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config/index.js';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission/index.js';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification/index.js';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { RAW_SOURCE_EXTENSIONS } from '../contracts/lake-keys.js';
import { LAKE } from '../contracts/lake-layout.js';
import type { StageConfig } from './config.js';
import type { DataLake } from './data-lake.js';
import { EtlRole } from './etl-role.js';
import { failureQueue } from './failure-queue.js';
import { type BucketGrant, grantEnvironment } from './grants.js';
import type { Naming } from './naming.js';

/**
 * Node.js 22: the newest Lambda runtime the pinned AWS provider (5.100, see `provider.ts`)
 * accepts; move to nodejs24.x with the provider 6 upgrade (README "Infrastructure").
 */
export const ETL_RUNTIME = 'nodejs22.x';
/** Graviton: about 20 % cheaper per GB-second than x86 for the same work. */
export const ETL_ARCHITECTURE = 'arm64';
/** `index.mjs` at the root of the esbuild bundle (lambda/build.ts), export `handler`. */
export const ETL_HANDLER = 'index.handler';
/**
 * Raw objects that start an ETL run: every raw source extension of the lake contract under the raw
 * prefix (one S3 filter per suffix; the handler still applies the contract's whole rule).
 */
export const ETL_TRIGGER = {
  prefix: LAKE.rawPrefix,
  suffixes: RAW_SOURCE_EXTENSIONS,
  // Removed too: a deleted raw file retires its outputs (on the versioned bucket a plain delete
  // is `ObjectRemoved:DeleteMarkerCreated`).
  events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
} as const;

export interface EtlFunctionProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  lake: DataLake;
  /** Zip of the esbuild output of `lambda/` (index.mjs at its root), copied in as the code asset. */
  codeZip: string;
  /** Event bus of the on-success destination: each successful run announces new facts there. */
  successBusArn: string;
}

/**
 * The ETL Lambda, fired by S3 ObjectCreated and ObjectRemoved on `raw/store_sales/*.{json,jsonl,ndjson}`.
 * Its role (etl-role.ts) can read the raw prefix and the FX reference (and list them, so a missing
 * object is a 404), write the processed and quarantine prefixes (and list processed, to remove
 * files a re-run no longer produces), keep its per-source ledgers and leases, write its own log
 * group, send failed events to its queue and success events to the default bus; each bucket grant
 * also sets the environment variable that names the bucket. Async failures (after the configured retries) land in an encrypted
 * SQS queue as the on-failure destination, with the error and the original event.
 */
export class EtlFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly failureQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: EtlFunctionProps) {
    super(scope, id);
    const { config, naming, accountId, kmsKeyArn, lake } = props;
    const functionName = naming.name('etl');

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: kmsKeyArn,
    });
    this.failureQueue = failureQueue(this, 'failures', 'etl-failures', { config, naming, kmsKeyArn });

    const grants: BucketGrant[] = [
      // List too: without s3:ListBucket a deleted raw object answers 403, not 404, and the
      // event is retried into the failure queue instead of failing as "not found". By version:
      // a run reads the version it found at its start (`ops upload --wait` waits for it).
      { sid: 'ReadRawOrders', bucket: lake.raw, prefix: LAKE.rawPrefix, access: 'readVersions', list: true },
      // The users' FX rates, read by every run; listing makes an absent file a 404, not a 403.
      { sid: 'ReadFxReference', bucket: lake.raw, prefix: LAKE.referencePrefix, access: 'read', list: true },
      {
        sid: 'WriteProcessedFacts',
        bucket: lake.processed,
        prefix: LAKE.processedPrefix,
        access: 'write',
        list: true,
        env: 'PROCESSED_BUCKET',
      },
      // Read too, only fact_orders: the ETL reads the order_id column other sources loaded, so an
      // order already loaded from another file is quarantined as a duplicate.
      { sid: 'ReadLoadedOrderIds', bucket: lake.processed, prefix: LAKE.factOrders, access: 'read' },
      {
        sid: 'WriteQuarantinedRecords',
        bucket: lake.quarantine,
        prefix: LAKE.quarantinePrefix,
        access: 'write',
        env: 'QUARANTINE_BUCKET',
      },
      // Read too: a re-upload refused as a whole keeps the records its last good version
      // quarantined (lambda/core/publish-outputs.ts); listed so that S3 answers a missing file
      // with 404, not 403.
      {
        sid: 'ReadQuarantinedRecords',
        bucket: lake.quarantine,
        prefix: LAKE.quarantinePrefix,
        access: 'read',
        list: true,
      },
      // The per-source ledger (newest event applied per raw key; listed to find the sources a
      // deleted one held duplicates for): its own prefix of the processed bucket, nothing more.
      {
        sid: 'ReadSourceLedger',
        bucket: lake.processed,
        prefix: LAKE.sourceLedgerPrefix,
        access: 'read',
        list: true,
      },
      { sid: 'WriteSourceLedger', bucket: lake.processed, prefix: LAKE.sourceLedgerPrefix, access: 'write' },
      // The per-source leases: one run of a raw key at a time across invocations, taken and
      // released by conditional writes (read to see who holds one, and since when). Listing too,
      // so that S3 answers a free (absent) lease with 404, not 403.
      {
        sid: 'ReadSourceLeases',
        bucket: lake.processed,
        prefix: LAKE.sourceLeasePrefix,
        access: 'read',
        list: true,
      },
      { sid: 'WriteSourceLeases', bucket: lake.processed, prefix: LAKE.sourceLeasePrefix, access: 'write' },
    ];
    const { role, policy } = new EtlRole(this, 'iam', {
      config,
      naming,
      accountId,
      kmsKeyArn,
      grants,
      logGroupArn: this.logGroup.arn,
      failureQueueArn: this.failureQueue.arn,
      successBusArn: props.successBusArn,
    });
    this.role = role;

    const code = new TerraformAsset(this, 'bundle', { path: props.codeZip, type: AssetType.FILE });
    this.fn = new LambdaFunction(this, 'function', {
      functionName,
      description: 'Store-sales ETL: raw JSON orders -> partitioned Parquet facts + quarantine',
      role: this.role.arn,
      runtime: ETL_RUNTIME,
      architectures: [ETL_ARCHITECTURE],
      handler: ETL_HANDLER,
      filename: code.path,
      // Content hash of the (deterministic) zip: the function is updated only when the code changes.
      sourceCodeHash: code.assetHash,
      memorySize: config.lambda.memoryMb,
      timeout: config.lambda.timeoutSeconds,
      ephemeralStorage: { size: config.lambda.tmpStorageMb },
      // Unset unless configured: a reservation on an account at the default quota fails the apply.
      ...(config.lambda.reservedConcurrency !== undefined && {
        reservedConcurrentExecutions: config.lambda.reservedConcurrency,
      }),
      environment: { variables: grantEnvironment(grants) },
      kmsKeyArn,
      // Both levels explicit: with JSON logs AWS fills an unset system level, a perpetual diff.
      loggingConfig: {
        logFormat: 'JSON',
        logGroup: this.logGroup.name,
        applicationLogLevel: 'INFO',
        systemLogLevel: 'INFO',
      },
      tracingConfig: { mode: 'Active' },
      dependsOn: [policy, this.logGroup],
    });
    new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.fn.functionName,
      maximumRetryAttempts: config.lambda.maxRetryAttempts,
      maximumEventAgeInSeconds: config.lambda.maxEventAgeSeconds,
      destinationConfig: {
        onFailure: { destination: this.failureQueue.arn },
        // Starts the refresh runner (refresh-triggers.ts).
        onSuccess: { destination: props.successBusArn },
      },
    });

    const permission = new LambdaPermission(this, 's3-invoke', {
      statementId: 'AllowRawBucketNotifications',
      action: 'lambda:InvokeFunction',
      functionName: this.fn.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: lake.raw.arn,
      sourceAccount: accountId,
    });
    new S3BucketNotification(this, 'trigger', {
      bucket: lake.raw.id,
      lambdaFunction: ETL_TRIGGER.suffixes.map((suffix) => ({
        lambdaFunctionArn: this.fn.arn,
        events: [...ETL_TRIGGER.events],
        filterPrefix: ETL_TRIGGER.prefix,
        filterSuffix: suffix,
      })),
      dependsOn: [permission],
    });
  }
}
