import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsWithEmails, type Synthesized, synthStacks } from '../stacks/synth-fixture.js';

// docs/deployer-policy.json, checked against what the stacks actually create: every Terraform
// resource type in the synthesized JSON maps to the IAM actions Terraform needs to create, read,
// update and delete it, and the policy allows each of them on the stack's names.
const root = path.resolve(import.meta.dirname, '..', '..');

/** What Terraform (provider 5.100) calls per resource type, create → read → delete. */
const ACTIONS_BY_TYPE: Record<string, string[]> = {
  'data.aws_caller_identity': ['sts:GetCallerIdentity'],
  aws_s3_bucket: [
    's3:CreateBucket',
    's3:ListBucket',
    's3:GetBucketTagging',
    's3:PutBucketTagging',
    's3:DeleteBucket',
  ],
  aws_s3_bucket_policy: ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
  aws_s3_bucket_versioning: ['s3:PutBucketVersioning', 's3:GetBucketVersioning'],
  aws_s3_bucket_lifecycle_configuration: ['s3:PutLifecycleConfiguration', 's3:GetLifecycleConfiguration'],
  aws_s3_bucket_logging: ['s3:PutBucketLogging', 's3:GetBucketLogging'],
  aws_s3_bucket_notification: ['s3:PutBucketNotification', 's3:GetBucketNotification'],
  aws_s3_bucket_ownership_controls: ['s3:PutBucketOwnershipControls', 's3:GetBucketOwnershipControls'],
  aws_s3_bucket_public_access_block: ['s3:PutBucketPublicAccessBlock', 's3:GetBucketPublicAccessBlock'],
  aws_s3_bucket_server_side_encryption_configuration: [
    's3:PutEncryptionConfiguration',
    's3:GetEncryptionConfiguration',
  ],
  aws_lambda_function: [
    'lambda:CreateFunction',
    'lambda:GetFunction',
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    'lambda:DeleteFunction',
    'iam:PassRole',
    // its environment is encrypted with the stage key: Lambda creates a grant on it as the caller
    'kms:CreateGrant',
  ],
  aws_lambda_permission: ['lambda:AddPermission', 'lambda:GetPolicy', 'lambda:RemovePermission'],
  aws_lambda_function_event_invoke_config: [
    'lambda:PutFunctionEventInvokeConfig',
    'lambda:GetFunctionEventInvokeConfig',
    'lambda:DeleteFunctionEventInvokeConfig',
  ],
  aws_iam_role: ['iam:CreateRole', 'iam:GetRole', 'iam:ListRolePolicies', 'iam:DeleteRole', 'iam:TagRole'],
  aws_iam_role_policy: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  aws_kms_key: [
    'kms:CreateKey',
    'kms:DescribeKey',
    'kms:GetKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:EnableKeyRotation',
    'kms:ScheduleKeyDeletion',
  ],
  aws_kms_alias: ['kms:CreateAlias', 'kms:ListAliases', 'kms:DeleteAlias'],
  aws_glue_catalog_database: ['glue:CreateDatabase', 'glue:GetDatabase', 'glue:DeleteDatabase'],
  aws_glue_catalog_table: ['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable', 'glue:DeleteTable'],
  aws_glue_crawler: [
    'glue:CreateCrawler',
    'glue:GetCrawler',
    'glue:UpdateCrawler',
    'glue:DeleteCrawler',
    'iam:PassRole',
  ],
  aws_glue_security_configuration: [
    'glue:CreateSecurityConfiguration',
    'glue:GetSecurityConfiguration',
    'glue:DeleteSecurityConfiguration',
  ],
  aws_athena_workgroup: [
    'athena:CreateWorkGroup',
    'athena:GetWorkGroup',
    'athena:UpdateWorkGroup',
    'athena:DeleteWorkGroup',
  ],
  aws_cloudwatch_log_group: [
    'logs:CreateLogGroup',
    'logs:DescribeLogGroups',
    'logs:PutRetentionPolicy',
    'logs:DeleteLogGroup',
  ],
  aws_sqs_queue: ['sqs:CreateQueue', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue'],
  aws_sqs_queue_policy: ['sqs:SetQueueAttributes', 'sqs:GetQueueAttributes'],
  aws_s3_object: ['s3:PutObject', 's3:GetObject', 's3:GetObjectTagging', 's3:DeleteObject'],
  aws_codebuild_project: [
    'codebuild:CreateProject',
    'codebuild:BatchGetProjects',
    'codebuild:UpdateProject',
    'codebuild:DeleteProject',
    'iam:PassRole',
  ],
  aws_scheduler_schedule: [
    'scheduler:CreateSchedule',
    'scheduler:GetSchedule',
    'scheduler:UpdateSchedule',
    'scheduler:DeleteSchedule',
    'iam:PassRole',
  ],
  aws_cloudwatch_event_rule: ['events:PutRule', 'events:DescribeRule', 'events:DeleteRule'],
  aws_cloudwatch_event_target: ['events:PutTargets', 'events:ListTargetsByRule', 'events:RemoveTargets'],
  aws_sns_topic: ['sns:CreateTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:DeleteTopic'],
  aws_sns_topic_subscription: [
    'sns:Subscribe',
    'sns:GetSubscriptionAttributes',
    'sns:SetSubscriptionAttributes',
    'sns:Unsubscribe',
  ],
  aws_cloudwatch_metric_alarm: [
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:DeleteAlarms',
  ],
};

interface Statement {
  Effect: string;
  Action: string[];
}
const policy = JSON.parse(readFileSync(path.join(root, 'docs', 'deployer-policy.json'), 'utf8')) as {
  Statement: Statement[];
};

/** Whether an IAM action pattern (`s3:GetBucket*`) covers an action; IAM matches case-insensitively. */
const covers = (pattern: string, action: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);
const allowed = (action: string): boolean =>
  policy.Statement.some((s) => s.Effect === 'Allow' && s.Action.some((p) => covers(p, action)));

/**
 * The resource types of what a stage's defaults leave out: the alerts with e-mail subscriptions
 * (`alerts.emails`, which docs/aws-operations.md tells a user to set).
 */
const optionalTypes = (): string[] => Object.keys(alarmsWithEmails(['ops@example.com']).resource);

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

describe('docs/deployer-policy.json', () => {
  it('knows every resource type the stacks create', () => {
    const types = new Set<string>();
    for (const stack of Object.values(synth.stacks)) {
      for (const type of Object.keys(stack.resource)) types.add(type);
      for (const type of Object.keys(stack.data ?? {})) types.add(`data.${type}`);
    }
    const optional = optionalTypes();
    expect(optional).toContain('aws_sns_topic_subscription');
    for (const type of optional) types.add(type);
    expect([...types].filter((t) => !(t in ACTIONS_BY_TYPE)).sort()).toEqual([]);
  });

  it('allows every action those resource types need', () => {
    const missing = Object.entries(ACTIONS_BY_TYPE).flatMap(([type, actions]) =>
      actions.filter((a) => !allowed(a)).map((a) => `${type}: ${a}`),
    );
    expect(missing).toEqual([]);
  });

  it('grants no service-wide wildcard', () => {
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });
});
