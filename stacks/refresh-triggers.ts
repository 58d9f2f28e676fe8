import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import type { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule/index.js';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy/index.js';
import { Construct } from 'constructs';
import type { StageConfig } from './config.js';
import type { Naming } from './naming.js';
import { assumeRolePolicy, policyDocument } from './policy.js';

/** What Lambda sends to EventBridge for an async invocation that succeeded (on-success destination). */
export const ETL_SUCCESS_DETAIL_TYPE = 'Lambda Function Invocation Result - Success';

/** The default event bus of the stack's account and region: where the ETL's on-success events go. */
export const defaultBusArn = (naming: Naming): string => naming.arn('events', 'event-bus/default');

/**
 * The rule's pattern: a successful ETL invocation. Lambda names the function (with its version,
 * `…:function:<name>:$LATEST`) in `resources`, hence the prefix match.
 */
export function etlSuccessPattern(functionArn: string): Record<string, unknown> {
  return {
    source: ['lambda'],
    'detail-type': [ETL_SUCCESS_DETAIL_TYPE],
    resources: [{ prefix: functionArn }],
  };
}

export interface RefreshTriggersProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  project: CodebuildProject;
  /** The ETL Lambda's ARN (its on-success destination is the default bus). */
  etlFunctionArn: string;
}

/**
 * What starts the refresh runner:
 * - an EventBridge Scheduler schedule on `config.refresh.schedule` (the backstop), and
 * - an EventBridge rule on the default bus matching each successful ETL invocation.
 * Both roles may only `codebuild:StartBuild` on this project. A build starts for every trigger (the
 * project has no build limit); `ops refresh` lets one build at a time refresh (its lock), and a
 * build that finds another running asks it for one more pass and ends. A start that fails all the
 * same (throttled, or CodeBuild unavailable) is retried for up to a day
 * (`config.refresh.triggerRetry`), then lands in an encrypted dead-letter queue, which alarms
 * (alarms.ts). docs/aws-operations.md explains why no announced data is lost.
 */
export class RefreshTriggers extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  readonly deadLetters: SqsQueue;

  constructor(scope: Construct, id: string, props: RefreshTriggersProps) {
    super(scope, id);
    const { config, naming, accountId, kmsKeyArn, project } = props;
    const startBuild = (sid: string) =>
      policyDocument([{ Sid: sid, Effect: 'Allow', Action: 'codebuild:StartBuild', Resource: project.arn }]);

    const schedulerRole = new IamRole(this, 'scheduler-role', {
      name: naming.name('refresh-schedule'),
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', accountId),
    });
    const schedulerPolicy = new IamRolePolicy(this, 'scheduler-policy', {
      name: 'refresh-schedule-start-build',
      role: schedulerRole.id,
      policy: startBuild('StartRefreshBuild'),
    });
    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: naming.name('refresh'),
      description: 'Backstop refresh: rebuild and publish the results from the data present',
      scheduleExpression: config.refresh.schedule,
      scheduleExpressionTimezone: config.refresh.scheduleTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        // Templated target: Scheduler calls CodeBuild StartBuild on the project the ARN names.
        arn: project.arn,
        roleArn: schedulerRole.arn,
        retryPolicy: {
          maximumEventAgeInSeconds: config.refresh.triggerRetry.maximumEventAgeSeconds,
          maximumRetryAttempts: config.refresh.triggerRetry.maximumRetryAttempts,
        },
      },
      dependsOn: [schedulerPolicy],
    });

    this.rule = new CloudwatchEventRule(this, 'etl-success', {
      name: naming.name('etl-success'),
      description: 'A successful ETL invocation: new facts to refresh the results from',
      eventPattern: JSON.stringify(etlSuccessPattern(props.etlFunctionArn)),
    });
    const eventsRole = new IamRole(this, 'events-role', {
      name: naming.name('refresh-trigger'),
      assumeRolePolicy: assumeRolePolicy('events.amazonaws.com', accountId),
    });
    const eventsPolicy = new IamRolePolicy(this, 'events-policy', {
      name: 'refresh-trigger-start-build',
      role: eventsRole.id,
      policy: startBuild('StartRefreshBuild'),
    });
    this.deadLetters = new SqsQueue(this, 'dead-letters', {
      name: naming.name('refresh-trigger-dlq'),
      kmsMasterKeyId: kmsKeyArn,
      messageRetentionSeconds: config.failureQueueRetentionDays * 86_400,
    });
    // EventBridge writes to a dead-letter queue with the queue's resource policy, not the role.
    new SqsQueuePolicy(this, 'dead-letters-policy', {
      queueUrl: this.deadLetters.url,
      policy: policyDocument([
        {
          Sid: 'RuleSendsUndeliveredEvents',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.deadLetters.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
        },
      ]),
    });
    this.target = new CloudwatchEventTarget(this, 'start-refresh', {
      rule: this.rule.name,
      targetId: 'start-refresh',
      arn: project.arn,
      roleArn: eventsRole.arn,
      retryPolicy: {
        maximumEventAgeInSeconds: config.refresh.triggerRetry.maximumEventAgeSeconds,
        maximumRetryAttempts: config.refresh.triggerRetry.maximumRetryAttempts,
      },
      deadLetterConfig: { arn: this.deadLetters.arn },
      dependsOn: [eventsPolicy],
    });
  }
}
