import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup/index.js';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import { ATHENA_RESULTS_PREFIX } from './data-lake.js';
import type { Naming } from './naming.js';

export interface QueryProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  results: S3Bucket;
}

/**
 * The Athena workgroups of the project. `workgroup` (ops CLI views and exports) enforces its
 * settings, so a client cannot send results elsewhere or unencrypted: results go to the results
 * bucket under SSE-KMS with the stage key, engine v3, and each query is cancelled past the
 * stage's bytes-scanned cutoff (the cost guard). CloudWatch metrics per query are on.
 *
 * `dbtWorkgroup` has the same defaults and cutoff but does not enforce them: dbt-athena omits a
 * table's `external_location` in a workgroup that enforces its result location, so every dbt
 * table would land under the results prefix, which lifecycle expires after days, and the Glue
 * tables would silently return 0 rows. Not enforced, dbt writes tables to its `s3_data_dir`
 * (the stack's `dbt_s3_data_dir` output, in the processed bucket, never expired). Objects stay
 * encrypted either way: every bucket's default encryption is SSE-KMS with the stage key.
 */
export class Query extends Construct {
  readonly workgroup: AthenaWorkgroup;
  readonly dbtWorkgroup: AthenaWorkgroup;

  constructor(scope: Construct, id: string, { config, naming, accountId, kmsKeyArn, results }: QueryProps) {
    super(scope, id);
    const configuration = (enforce: boolean) => ({
      enforceWorkgroupConfiguration: enforce,
      publishCloudwatchMetricsEnabled: true,
      bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
      engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
      resultConfiguration: {
        outputLocation: `s3://${results.bucket}/${ATHENA_RESULTS_PREFIX}`,
        expectedBucketOwner: accountId,
        encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn },
      },
    });
    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: naming.name('analytics'),
      description: 'Store-sales analytics: views and exports',
      state: 'ENABLED',
      forceDestroy: config.forceDestroy,
      configuration: configuration(true),
    });
    this.dbtWorkgroup = new AthenaWorkgroup(this, 'dbt-workgroup', {
      name: naming.name('dbt'),
      description: 'Store-sales dbt models: tables under s3_data_dir, not the expiring results prefix',
      state: 'ENABLED',
      forceDestroy: config.forceDestroy,
      configuration: configuration(false),
    });
  }
}
