import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import type { Naming } from './naming.js';
import { policyDocument } from './policy.js';

export interface EncryptionKeyProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
}

/**
 * One customer-managed KMS key per stage for the lake buckets, Athena results, log groups, the
 * failure queue, Glue's crawler logs, the Lambda environment, the refresh runner, the alert topic,
 * the trigger dead-letter queue and the failed recoveries' queue. One key keeps the bill at
 * about 1 USD/month (S3 Bucket Keys cut the request charges); rotation is yearly. The key
 * policy delegates to IAM (account root), lets CloudWatch Logs use it for this account's log
 * groups only, and lets CloudWatch alarms and EventBridge encrypt alert messages and what its rules
 * send to the queues; every other use (the schedule's dead letters included, sent with its role) is
 * granted per role by IAM policies scoped to this key's ARN.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, { config, naming, accountId }: EncryptionKeyProps) {
    super(scope, id);
    const logsPrincipal = `logs.${config.region}.amazonaws.com`;
    this.key = new KmsKey(this, 'key', {
      description: `${naming.name('data')}: lake, query results, logs and queues`,
      enableKeyRotation: true,
      deletionWindowInDays: config.kmsDeletionWindowDays,
      // In a key policy, Resource "*" means "this key".
      policy: policyDocument([
        {
          Sid: 'AccountAdministersKeyThroughIam',
          Effect: 'Allow',
          Principal: { AWS: `arn:${config.partition}:iam::${accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
          Effect: 'Allow',
          Principal: { Service: logsPrincipal },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': naming.arn('logs', 'log-group:*') },
          },
        },
        {
          // Alarms publish to the encrypted alert topic, and EventBridge's rules write failed
          // recoveries and undeliverable refresh triggers to the encrypted queues: both services
          // need the data key.
          // No condition: neither documents a context key it always sends to KMS for these calls.
          Sid: 'AlarmsAndEventsUseKeyForTopicAndDeadLetters',
          Effect: 'Allow',
          Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ]),
    });
    new KmsAlias(this, 'alias', { name: `alias/${naming.name('data')}`, targetKeyId: this.key.keyId });
  }
}
