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
 * The Athena workgroup every query of the project runs in (ops CLI, dbt-athena). Its settings
 * are enforced, so a client cannot send results elsewhere or unencrypted: results go to the
 * results bucket under SSE-KMS with the stage key, engine v3, and each query is cancelled past
 * the stage's bytes-scanned cutoff (the cost guard). CloudWatch metrics per query are on.
 */
export class Query extends Construct {
  readonly workgroup: AthenaWorkgroup;

  constructor(scope: Construct, id: string, { config, naming, accountId, kmsKeyArn, results }: QueryProps) {
    super(scope, id);
    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: naming.name('analytics'),
      description: 'Store-sales analytics: views, dbt models and exports',
      state: 'ENABLED',
      forceDestroy: config.forceDestroy,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${results.bucket}/${ATHENA_RESULTS_PREFIX}`,
          expectedBucketOwner: accountId,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn },
        },
      },
    });
  }
}
