import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { StackOutputName } from '../contracts/stack-outputs.js';
import { Alarms } from './alarms.js';
import { Catalog } from './catalog.js';
import { PROJECT, type StageConfig } from './config.js';
import { ATHENA_RESULTS_PREFIX, DataLake, DBT_DATA_PREFIX } from './data-lake.js';
import { EncryptionKey } from './encryption-key.js';
import { EtlFunction } from './etl-function.js';
import { Naming } from './naming.js';
import { AWS_PROVIDER_VERSION } from './provider-version.js';
import { Query } from './query.js';
import { RefreshRunner } from './refresh-runner.js';
import { defaultBusArn, RefreshTriggers } from './refresh-triggers.js';
import { localStatePath, type StateBackend, stateKey } from './state-backend.js';

export interface StoreSalesStackProps {
  config: StageConfig;
  /** The zipped Lambda bundle (see `lambda-archive.ts`). */
  lambdaZip: string;
  /** The zipped tracked files of the repository, the refresh runner's source (`source-archive.ts`). */
  runnerSourceZip: string;
  backend: StateBackend;
}

/**
 * One stage of the platform, in one Terraform state: lake, ETL, catalog and query engine, the
 * refresh runner and its triggers, and the alarms.
 */
export class StoreSalesStack extends TerraformStack {
  constructor(
    scope: Construct,
    id: string,
    { config, lambdaZip, runnerSourceZip, backend }: StoreSalesStackProps,
  ) {
    super(scope, id);
    applyStateBackend(this, id, backend);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: PROJECT, stage: config.stage, 'managed-by': 'cdktf' } }],
    });
    // The bindings would write their own (provider 6) version; see provider-version.ts.
    this.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_VERSION);
    const accountId = new DataAwsCallerIdentity(this, 'account').accountId;
    const naming = new Naming(config, accountId);
    const common = { config, naming, accountId };

    const kmsKeyArn = new EncryptionKey(this, 'encryption', common).key.arn;
    const lake = new DataLake(this, 'lake', { ...common, kmsKeyArn });
    const etl = new EtlFunction(this, 'etl', {
      ...common,
      kmsKeyArn,
      lake,
      codeZip: lambdaZip,
      successBusArn: defaultBusArn(naming),
    });
    const catalog = new Catalog(this, 'catalog', {
      ...common,
      kmsKeyArn,
      processed: lake.processed,
      quarantine: lake.quarantine,
    });
    const query = new Query(this, 'query', { ...common, kmsKeyArn, results: lake.athenaResults });
    const runner = new RefreshRunner(this, 'refresh', {
      ...common,
      kmsKeyArn,
      raw: lake.raw,
      processed: lake.processed,
      quarantine: lake.quarantine,
      athenaResults: lake.athenaResults,
      analytics: lake.analytics,
      etlFunctionName: etl.fn.functionName,
      etlFunctionArn: etl.fn.arn,
      databaseName: catalog.database.name,
      workgroupName: query.workgroup.name,
      dbtWorkgroupName: query.dbtWorkgroup.name,
      ...(catalog.crawler ? { crawlerName: catalog.crawler.name } : {}),
      sourceZip: runnerSourceZip,
    });
    const triggers = new RefreshTriggers(this, 'refresh-triggers', {
      ...common,
      kmsKeyArn,
      project: runner.project,
      recoveryProject: runner.recoveryProject,
      etlFunctionArn: etl.fn.arn,
    });
    const alarms = new Alarms(this, 'alarms', {
      ...common,
      kmsKeyArn,
      etlFunctionName: etl.fn.functionName,
      etlFailureQueueName: etl.failureQueue.name,
      refreshProjectName: runner.project.name,
      recoveryProjectName: runner.recoveryProject.name,
      triggerDeadLetterQueueName: triggers.deadLetters.name,
      recoveryFailureQueueName: triggers.recoveryFailures.name,
    });

    const outputs: Record<StackOutputName, { value: string; description: string }> = {
      region: { value: config.region, description: 'AWS region of the stack' },
      raw_bucket: { value: lake.raw.bucket, description: 'upload raw/store_sales/*.json here' },
      processed_bucket: {
        value: lake.processed.bucket,
        description: 'Parquet facts (processed/store_sales/)',
      },
      quarantine_bucket: {
        value: lake.quarantine.bucket,
        description: 'rejected records (quarantine/store_sales/)',
      },
      athena_results_bucket: { value: lake.athenaResults.bucket, description: 'Athena query results' },
      etl_function_name: { value: etl.fn.functionName, description: 'the ETL Lambda' },
      glue_database: { value: catalog.database.name, description: 'Glue database of the fact tables' },
      glue_crawler_name: {
        value: catalog.crawler?.name ?? '',
        description: 'Glue crawler of the fact tables; empty when partitions are projected',
      },
      athena_workgroup: { value: query.workgroup.name, description: 'Athena workgroup (enforced settings)' },
      dbt_athena_workgroup: {
        value: query.dbtWorkgroup.name,
        description: "dbt-athena's workgroup: result location not enforced, so s3_data_dir is honoured",
      },
      athena_output_location: {
        value: `s3://${lake.athenaResults.bucket}/${ATHENA_RESULTS_PREFIX}`,
        description: 'where the workgroup writes query results (expired by lifecycle)',
      },
      dbt_s3_data_dir: {
        value: `s3://${lake.processed.bucket}/${DBT_DATA_PREFIX}`,
        description: "dbt-athena's s3_data_dir: tables it builds (kept; the results prefix expires)",
      },
      catalog_mode: { value: config.catalog.mode, description: 'crawler | projection' },
      etl_failure_queue_url: {
        value: etl.failureQueue.url,
        description: 'failed ETL events (on-failure destination)',
      },
      analytics_bucket: {
        value: lake.analytics.bucket,
        description: 'published results: analytics_outputs/*.csv, reports/latest/ and reports/<run>/',
      },
      refresh_project_name: {
        value: runner.project.name,
        description: 'the refresh runner (CodeBuild): aws codebuild start-build --project-name <this>',
      },
      alerts_topic_arn: { value: alarms.topic.arn, description: 'SNS topic of the alarms: subscribe here' },
    };
    for (const [name, { value, description }] of Object.entries(outputs)) {
      new TerraformOutput(this, name, { value, description });
    }
  }
}

/**
 * Configures a stack's state backend. Local state is declared explicitly: cdktf's default writes
 * the synthesizing machine's absolute working directory into the JSON, which breaks as soon as
 * the folder is moved, committed or synthesized elsewhere. A relative path is resolved by
 * Terraform against the folder it runs in, the stack folder.
 */
export function applyStateBackend(stack: TerraformStack, stackName: string, backend: StateBackend): void {
  if (backend.kind === 'local') {
    new LocalBackend(stack, { path: localStatePath(stackName) });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: stateKey(stackName),
    region: backend.region,
    encrypt: true,
  });
  // cdktf 0.21's S3BackendConfig predates `use_lockfile`; the override writes it into the JSON.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
