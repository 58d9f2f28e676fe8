import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import { LAKE } from '../contracts/lake-layout.js';
import type { StageConfig } from './config.js';
import { ATHENA_RESULTS_PREFIX, DBT_DATA_PREFIX } from './data-lake.js';
import type { Naming } from './naming.js';
import { assumeRolePolicy, policyDocument, type Statement } from './policy.js';

/** Key prefix of the dashboard reports in the analytics bucket (`REPORTS_PREFIX` of tools/aws/publish.ts). */
export const REPORTS_PREFIX = 'reports/';
/** Key of the runner's source zip in the analytics bucket. */
export const RUNNER_SOURCE_KEY = 'runner/source.zip';

/**
 * Name prefixes of the Glue tables the refresh creates and replaces: the SQL views
 * (`sql/*.sql`, `v_*`) and the dbt models (staging, intermediate, marts; dbt-athena's temporary
 * `<model>__dbt_tmp` relations share the model's prefix). The fact tables are the crawler's (or
 * Terraform's): the runner only reads them.
 */
export const RUNNER_OWNED_TABLE_PREFIXES = ['v_', 'stg_', 'int_', 'mart_'] as const;

const ATHENA_QUERY_ACTIONS = [
  'athena:GetWorkGroup',
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
];
const GLUE_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];
/**
 * On the views' and dbt models' tables only. Besides the tables themselves, dbt-athena lists and
 * expires the Glue versions of every view, table and incremental model it replaces
 * (`expire_glue_table_versions`), and drops an incremental model's replaced partitions
 * (`insert_overwrite`); Athena registers the partitions a CTAS or INSERT INTO writes with the
 * caller's rights. `test/stacks/dbt-athena-glue.test.ts` checks this list against the Glue
 * calls of the installed dbt-athena.
 */
const GLUE_WRITE_ACTIONS = [
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:DeleteTable',
  'glue:BatchDeleteTable',
  'glue:GetTableVersions',
  'glue:DeleteTableVersion',
  'glue:BatchCreatePartition',
  'glue:CreatePartition',
  'glue:BatchDeletePartition',
];
const WRITE_OBJECTS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'];

export interface RefreshRunnerRoleProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  raw: S3Bucket;
  processed: S3Bucket;
  quarantine: S3Bucket;
  athenaResults: S3Bucket;
  analytics: S3Bucket;
  databaseName: string;
  /** The ops workgroup (views, exports) and dbt's. */
  workgroupNames: string[];
  /** Undefined in projection mode (nothing to crawl). */
  crawlerName?: string;
  logGroupArn: string;
  etlFunctionArn: string;
}

/**
 * The refresh runner's service role: exactly what `ops refresh --target aws` touches. Athena runs
 * each query with the caller's permissions, so the S3 and Glue grants are the query's too:
 * read the facts, the quarantine files (the Glue table quarantine_records, stacks/catalog.ts) and
 * the dbt tables, write the dbt tables (processed `dbt/`) and the query
 * results; create and replace only the views' and dbt models' Glue tables; start and watch the
 * stage's crawler (dev); publish to the analytics bucket's `analytics_outputs/` and `reports/`;
 * read its own source zip; write its own logs; use the stage key only through S3. The retry step
 * (`ops etl --target aws --retry-quarantine`) lists the raw sources, reads the FX reference and the
 * same quarantine files for future-dated orders now due and orders whose rate has arrived,
 * invokes the ETL function on their sources, and (the shared source policy) deletes the outputs
 * of raw files that are gone.
 */
export class RefreshRunnerRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: RefreshRunnerRoleProps) {
    super(scope, id);
    const { config, naming, accountId, kmsKeyArn, processed, athenaResults, analytics, databaseName } = props;
    this.role = new IamRole(this, 'role', {
      name: naming.name('refresh'),
      assumeRolePolicy: assumeRolePolicy('codebuild.amazonaws.com', accountId),
    });
    const catalog = naming.arn('glue', 'catalog');
    const database = naming.arn('glue', `database/${databaseName}`);
    const statements: Statement[] = [
      {
        Sid: 'ReadSource',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: `${analytics.arn}/${RUNNER_SOURCE_KEY}`,
      },
      {
        // CodeBuild checks the source bucket's location and owner before it downloads.
        Sid: 'LocateBuckets',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:GetBucketAcl'],
        Resource: [analytics.arn, processed.arn, athenaResults.arn],
      },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${props.logGroupArn}:*`,
      },
      {
        Sid: 'QueryWorkgroups',
        Effect: 'Allow',
        Action: ATHENA_QUERY_ACTIONS,
        Resource: props.workgroupNames.map((w) => naming.arn('athena', `workgroup/${w}`)),
      },
      {
        Sid: 'ReadCatalog',
        Effect: 'Allow',
        Action: GLUE_READ_ACTIONS,
        Resource: [catalog, database, naming.arn('glue', `table/${databaseName}/*`)],
      },
      {
        // dbt lists the catalog's databases before a build (`create_schemas`: Glue GetDatabases,
        // which AWS authorizes on the catalog and every database; it returns names only).
        Sid: 'ListDatabases',
        Effect: 'Allow',
        Action: 'glue:GetDatabases',
        Resource: [catalog, naming.arn('glue', 'database/*')],
      },
      {
        Sid: 'MaintainViewsAndModels',
        Effect: 'Allow',
        Action: GLUE_WRITE_ACTIONS,
        Resource: [
          catalog,
          database,
          ...RUNNER_OWNED_TABLE_PREFIXES.map((p) => naming.arn('glue', `table/${databaseName}/${p}*`)),
        ],
      },
      {
        Sid: 'ReadFactsAndModels',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [`${processed.arn}/${LAKE.processedPrefix}*`, `${processed.arn}/${DBT_DATA_PREFIX}*`],
      },
      {
        Sid: 'ListFactsAndModels',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: processed.arn,
        Condition: { StringLike: { 's3:prefix': [`${LAKE.processedPrefix}*`, `${DBT_DATA_PREFIX}*`] } },
      },
      {
        Sid: 'WriteModels',
        Effect: 'Allow',
        Action: WRITE_OBJECTS,
        Resource: `${processed.arn}/${DBT_DATA_PREFIX}*`,
      },
      {
        Sid: 'ReadWriteQueryResults',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: `${athenaResults.arn}/${ATHENA_RESULTS_PREFIX}*`,
      },
      {
        Sid: 'ListQueryResults',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: athenaResults.arn,
        Condition: { StringLike: { 's3:prefix': [`${ATHENA_RESULTS_PREFIX}*`] } },
      },
      {
        // The refresh lock (tools/aws/refresh-lock.ts): one refresh at a time builds and publishes.
        Sid: 'HoldRefreshLock',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: `${analytics.arn}/${LAKE.refreshLockPrefix}*`,
      },
      {
        // So that S3 answers a missing lock with 404, not 403.
        Sid: 'ListRefreshLock',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: analytics.arn,
        Condition: { StringLike: { 's3:prefix': [`${LAKE.refreshLockPrefix}*`] } },
      },
      {
        Sid: 'PublishResults',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: [`${analytics.arn}/${LAKE.csvExports}*`, `${analytics.arn}/${REPORTS_PREFIX}*`],
      },
      {
        // The reference prefix too, so that S3 answers a missing FX reference with 404, not 403.
        Sid: 'ListRawSources',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: props.raw.arn,
        Condition: { StringLike: { 's3:prefix': [`${LAKE.rawPrefix}*`, `${LAKE.referencePrefix}*`] } },
      },
      {
        // The retry step reads the FX reference the ETL converts with: orders quarantined for a
        // missing rate are due once it has their month.
        Sid: 'ReadFxReference',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `${props.raw.arn}/${LAKE.referencePrefix}*`,
      },
      {
        Sid: 'ReadQuarantine',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `${props.quarantine.arn}/${LAKE.quarantinePrefix}*`,
      },
      {
        Sid: 'ListQuarantine',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: props.quarantine.arn,
        Condition: { StringLike: { 's3:prefix': [`${LAKE.quarantinePrefix}*`] } },
      },
      {
        // The retry step also runs the sources the ETL's ledgers still flag (docs/duplicates.md).
        Sid: 'ReadSourceLedgers',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `${processed.arn}/${LAKE.sourceLedgerPrefix}*`,
      },
      {
        Sid: 'ListSourceLedgers',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: processed.arn,
        Condition: { StringLike: { 's3:prefix': [`${LAKE.sourceLedgerPrefix}*`] } },
      },
      {
        Sid: 'RetireOutputsOfDeletedSources',
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: [
          `${processed.arn}/${LAKE.processedPrefix}*`,
          `${props.quarantine.arn}/${LAKE.quarantinePrefix}*`,
        ],
      },
      {
        Sid: 'InvokeEtlForRetry',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: props.etlFunctionArn,
      },
      {
        Sid: 'UseDataKeyThroughS3',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } },
      },
    ];
    if (props.crawlerName !== undefined) {
      statements.push({
        Sid: 'RunCrawler',
        Effect: 'Allow',
        Action: ['glue:StartCrawler', 'glue:GetCrawler'],
        Resource: naming.arn('glue', `crawler/${props.crawlerName}`),
      });
    }
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'refresh-least-privilege',
      role: this.role.id,
      policy: policyDocument(statements),
    });
  }
}
