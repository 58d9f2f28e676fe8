import { GlueSecurityConfiguration } from '@cdktf/provider-aws/lib/glue-security-configuration/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import type { Naming } from './naming.js';
import { assumeRolePolicy, policyDocument } from './policy.js';

export interface CrawlerRoleProps {
  config: StageConfig;
  naming: Naming;
  kmsKeyArn: string;
  processed: S3Bucket;
  databaseName: string;
  /** Key prefix the crawler reads, ending in `/`. */
  readPrefix: string;
}

// What a crawler does to the catalog: read the database, create/update its tables, register
// partitions. No Delete*: the crawler's delete behaviour is LOG.
const CATALOG_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetTables',
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
  'glue:CreatePartition',
  'glue:BatchCreatePartition',
  'glue:UpdatePartition',
  'glue:BatchUpdatePartition',
];

/**
 * The crawler's own role (instead of the broad AWSGlueServiceRole managed policy) and the Glue
 * security configuration that encrypts its CloudWatch logs with the stage key.
 */
export class CrawlerRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly securityConfiguration: GlueSecurityConfiguration;

  constructor(scope: Construct, id: string, props: CrawlerRoleProps) {
    super(scope, id);
    const { config, naming, kmsKeyArn, processed, databaseName, readPrefix } = props;
    this.securityConfiguration = new GlueSecurityConfiguration(this, 'security', {
      name: naming.name('glue'),
      encryptionConfiguration: {
        cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn },
        s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn },
      },
    });
    this.role = new IamRole(this, 'role', {
      name: naming.name('crawler'),
      // No aws:SourceAccount condition: Glue does not document sending it when a crawler assumes
      // its role, and a condition the service never satisfies would break every crawl.
      assumeRolePolicy: assumeRolePolicy('glue.amazonaws.com'),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'crawler-least-privilege',
      role: this.role.id,
      policy: policyDocument([
        {
          Sid: 'MaintainFactTables',
          Effect: 'Allow',
          Action: CATALOG_ACTIONS,
          Resource: [
            naming.arn('glue', 'catalog'),
            naming.arn('glue', `database/${databaseName}`),
            naming.arn('glue', `table/${databaseName}/*`),
          ],
        },
        {
          // Crawlers look up the bucket's region before listing it.
          Sid: 'LocateProcessedBucket',
          Effect: 'Allow',
          Action: 's3:GetBucketLocation',
          Resource: processed.arn,
        },
        {
          Sid: 'ListProcessedPrefix',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: processed.arn,
          Condition: { StringLike: { 's3:prefix': [`${readPrefix}*`] } },
        },
        {
          Sid: 'ReadProcessedFacts',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: `${processed.arn}/${readPrefix}*`,
        },
        {
          Sid: 'DecryptThroughS3',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: kmsKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } },
        },
        {
          Sid: 'WriteCrawlerLogs',
          Effect: 'Allow',
          Action: [
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'logs:AssociateKmsKey',
          ],
          Resource: naming.arn('logs', 'log-group:/aws-glue/crawlers*'),
        },
      ]),
    });
  }
}
