import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { Construct } from 'constructs';
import { ETL_MEMORY_METRIC, type ETL_METRICS, ETL_METRICS_NAMESPACE } from '../contracts/etl-metrics.js';
import type { StageConfig } from './config.js';
import type { Naming } from './naming.js';

export interface AlarmsProps {
  config: StageConfig;
  naming: Naming;
  kmsKeyArn: string;
  etlFunctionName: string;
  etlFailureQueueName: string;
  refreshProjectName: string;
  /** The runner's twin that recovers its failed builds (refresh-runner.ts). */
  recoveryProjectName: string;
  triggerDeadLetterQueueName: string;
  /** The queue of the recovery project's failed builds (refresh-triggers.ts). */
  recoveryFailureQueueName: string;
}

/** One alarm: a metric over a period, compared with a threshold; `description` says what to do. */
interface AlarmSpec {
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: 'Sum' | 'Maximum';
  periodSeconds: number;
  /** The alarm fires when the statistic is above this. */
  threshold: number;
  description: string;
}

/**
 * The stage's alerts: an SNS topic encrypted with the stage key (the key policy lets CloudWatch
 * use it, see encryption-key.ts), e-mail subscriptions from `config.alerts.emails` (none by
 * default), and one alarm per way the platform can fail unseen, each with the topic as its
 * action and a description that says what to do. No data means nothing happened: not breaching.
 */
export class Alarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { config, naming, kmsKeyArn } = props;
    this.topic = new SnsTopic(this, 'topic', {
      name: naming.name('alerts'),
      displayName: `store-sales ${config.stage} alerts`,
      kmsMasterKeyId: kmsKeyArn,
    });
    config.alerts.emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
    });

    const runner = `npm run ops -- refresh --target aws`;
    const specs: AlarmSpec[] = [
      {
        id: 'etl-errors',
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: props.etlFunctionName },
        statistic: 'Sum',
        periodSeconds: 300,
        threshold: 0,
        description:
          `The ETL Lambda ${props.etlFunctionName} failed. Read its log group /aws/lambda/${props.etlFunctionName} ` +
          '(the error names the raw file); fix or delete the file, then `npm run ops -- etl --target aws --file NAME`. ' +
          'A run out of memory (Runtime.OutOfMemory, signal: killed) names no file: its event is in the failure queue; ' +
          'raise lambda.memoryMb in stacks/config.ts (see the etl-memory alarm).',
      },
      {
        id: 'etl-throttles',
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        dimensions: { FunctionName: props.etlFunctionName },
        statistic: 'Sum',
        periodSeconds: 300,
        threshold: 0,
        description:
          `The ETL Lambda ${props.etlFunctionName} was throttled (account concurrency used up). Lambda retries for ` +
          'up to 6 hours. Compare `aws lambda get-account-settings` (ConcurrentExecutions) with what other functions ' +
          'use; raise the quota or stagger uploads. Events that run out of retries raise the failure-queue alarm.',
      },
      {
        id: 'etl-failure-queue',
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: props.etlFailureQueueName },
        statistic: 'Maximum',
        periodSeconds: 300,
        threshold: 0,
        description:
          `A raw file could not be processed after all retries: its event is in the queue ${props.etlFailureQueueName}. ` +
          'Read the message (error and S3 key), fix the cause, run `npm run ops -- etl --target aws --file NAME`, ' +
          'then delete the message.',
      },
      {
        id: 'refresh-failed',
        namespace: 'AWS/CodeBuild',
        metricName: 'FailedBuilds',
        dimensions: { ProjectName: props.refreshProjectName },
        statistic: 'Sum',
        periodSeconds: 300,
        threshold: 0,
        description:
          `The refresh build ${props.refreshProjectName} failed; the previous published results stay in place, ` +
          `and a build of ${props.recoveryProjectName} was started to recover it. ` +
          `Read the build log (/aws/codebuild/${props.refreshProjectName}: the step and error code are in the last lines); ` +
          `if the recovery fails too (its own alarm), fix the cause, then start it again: aws codebuild start-build --project-name ${props.refreshProjectName} ` +
          `(or run \`${runner}\` locally).`,
      },
      {
        id: 'refresh-recovery-failed',
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: props.recoveryFailureQueueName },
        statistic: 'Maximum',
        periodSeconds: 300,
        threshold: 0,
        description:
          `A build of ${props.recoveryProjectName} that recovers a failed refresh failed, faulted or timed out too: the failure repeats, ` +
          'and no further build is started for it; the previous published results stay in place. ' +
          `Each such build's event (its build-id) is in the queue ${props.recoveryFailureQueueName}. ` +
          `Read both builds' logs (/aws/codebuild/${props.refreshProjectName}), fix the cause, then start a refresh: ` +
          `aws codebuild start-build --project-name ${props.refreshProjectName} (or run \`${runner}\` locally); then purge the queue.`,
      },
      {
        id: 'quarantine-spike',
        namespace: ETL_METRICS_NAMESPACE,
        metricName: 'RecordsQuarantined' satisfies (typeof ETL_METRICS)[number],
        dimensions: {},
        statistic: 'Sum',
        periodSeconds: 3600,
        threshold: config.alerts.quarantineSpikePerHour,
        description:
          `More than ${config.alerts.quarantineSpikePerHour} records were quarantined in an hour. The metric's Source ` +
          'dimension names the file; its quarantine/store_sales/<source>.jsonl gives each reason. Usually the producer ' +
          'broke the raw contract: fix the export, re-upload the file (`npm run ops -- upload --target aws`).',
      },
      {
        id: 'etl-memory',
        namespace: ETL_METRICS_NAMESPACE,
        metricName: ETL_MEMORY_METRIC,
        dimensions: {},
        statistic: 'Maximum',
        periodSeconds: 300,
        threshold: config.alerts.etlMemoryPercent,
        description:
          `An ETL run of ${props.etlFunctionName} peaked above ${config.alerts.etlMemoryPercent} % of its ` +
          `${config.lambda.memoryMb} MB (MemoryUsedPercent in each file's line in its log group ` +
          `/aws/lambda/${props.etlFunctionName}). Each run holds the order_ids every other source loaded (~7-14 MiB ` +
          'per million), so this grows with the lake until a run fails out of memory: raise lambda.memoryMb in ' +
          'stacks/config.ts (up to 10240), then npm run synth and terraform apply (docs/aws.md, Deploy).',
      },
      {
        id: 'refresh-trigger-dead-letters',
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: props.triggerDeadLetterQueueName },
        statistic: 'Maximum',
        periodSeconds: 300,
        threshold: 0,
        description:
          `An ETL success, a failed refresh build or the daily schedule could not start its refresh build for a day, or a failed recovery's event could not reach ${props.recoveryFailureQueueName} (queue ${props.triggerDeadLetterQueueName}). ` +
          `Start it by hand: aws codebuild start-build --project-name ${props.refreshProjectName}; ` +
          'check the trigger role and the build history, then purge the queue.',
      },
    ];

    this.alarms = specs.map(
      (s) =>
        new CloudwatchMetricAlarm(this, s.id, {
          alarmName: naming.name(s.id),
          alarmDescription: s.description,
          namespace: s.namespace,
          metricName: s.metricName,
          // The ETL's totals have no dimension: leave the argument out rather than send `{}`.
          ...(Object.keys(s.dimensions).length ? { dimensions: s.dimensions } : {}),
          statistic: s.statistic,
          period: s.periodSeconds,
          evaluationPeriods: 1,
          threshold: s.threshold,
          comparisonOperator: 'GreaterThanThreshold',
          treatMissingData: 'notBreaching',
          alarmActions: [this.topic.arn],
        }),
    );
  }
}
