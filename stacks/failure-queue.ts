import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import type { Naming } from './naming.js';

/**
 * A queue where failures wait for a person (the ETL's failed events, the refresh triggers' dead
 * letters, failed recoveries), each watched by an alarm (alarms.ts): named `name` in the stage,
 * encrypted with the stage key, its messages kept `config.failureQueueRetentionDays`.
 */
export function failureQueue(
  scope: Construct,
  id: string,
  name: string,
  props: { config: StageConfig; naming: Naming; kmsKeyArn: string },
): SqsQueue {
  return new SqsQueue(scope, id, {
    name: props.naming.name(name),
    kmsMasterKeyId: props.kmsKeyArn,
    messageRetentionSeconds: props.config.failureQueueRetentionDays * 86_400,
  });
}
