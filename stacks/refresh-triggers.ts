import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import type { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule/index.js';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy/index.js';
import { Construct } from 'constructs';
import { FAILED_BUILD_STATUSES, RECOVERS_BUILD_ENV } from '../contracts/refresh-recovery.js';
import type { StageConfig } from './config.js';
import { failureQueue } from './failure-queue.js';
import type { Naming } from './naming.js';
import { assumeRolePolicy, policyDocument, type Statement } from './policy.js';

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

/** What CodeBuild sends to EventBridge when a build changes state. */
export const BUILD_STATE_DETAIL_TYPE = 'CodeBuild Build State Change';

/**
 * A build of `projectName` that is complete, its container gone, and did not succeed: for the
 * runner's project, the recovery rule's pattern; for the recovery project's, the failed-recovery
 * rule's.
 */
export function failedBuildPattern(projectName: string): Record<string, unknown> {
  return {
    source: ['aws.codebuild'],
    'detail-type': [BUILD_STATE_DETAIL_TYPE],
    detail: {
      'project-name': [projectName],
      'build-status': [...FAILED_BUILD_STATUSES],
      'additional-information': { 'build-complete': [true] },
    },
  };
}

/**
 * The recovery target's input transformer. EventBridge passes a CodeBuild target's input as the
 * StartBuild request, so this starts a recovery build with the failed build's ARN (the event's
 * `build-id`) in `RECOVERS_BUILD_ENV`.
 */
export const RECOVERY_INPUT = {
  inputPaths: { build: '$.detail.build-id' },
  inputTemplate: JSON.stringify({
    environmentVariablesOverride: [{ name: RECOVERS_BUILD_ENV, value: '<build>', type: 'PLAINTEXT' }],
  }),
};

export interface RefreshTriggersProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  project: CodebuildProject;
  /** The runner's twin that recovers a failed build of `project` (refresh-runner.ts). */
  recoveryProject: CodebuildProject;
  /** The ETL Lambda's ARN (its on-success destination is the default bus). */
  etlFunctionArn: string;
}

/**
 * What starts the refresh runner:
 * - an EventBridge Scheduler schedule on `config.refresh.schedule` (the backstop),
 * - an EventBridge rule on the default bus matching each successful ETL invocation, and
 * - one matching each of the runner's builds that failed, faulted or timed out, which starts a build of
 *   the recovery project naming it (`RECOVERS_BUILD_ENV`): that build takes over the lock the
 *   failed one left and refreshes, so the requests it was to serve are not left to the schedule.
 *   The recovery project's own builds start nothing: one recovery per failure
 *   (contracts/refresh-recovery.ts); those that fail go to a queue that alarms.
 * Each role may only `codebuild:StartBuild` on the project it starts. A build starts for every
 * trigger (the project has no build limit); `ops refresh` lets one build at a time refresh (its
 * lock), and a build that finds another running asks it for one more pass and ends. A start that
 * fails all the same (throttled, or CodeBuild unavailable) is retried for up to a day
 * (`config.refresh.triggerRetry`), then lands in one encrypted dead-letter queue, which alarms
 * (alarms.ts): the rules' and the schedule's alike. docs/aws-operations.md explains why no
 * announced data is lost.
 */
export class RefreshTriggers extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  readonly failedRule: CloudwatchEventRule;
  readonly recoveryTarget: CloudwatchEventTarget;
  readonly deadLetters: SqsQueue;
  /** Matches the recovery project's builds that ended without success. */
  readonly recoveryFailedRule: CloudwatchEventRule;
  /** Their state-change events (each names its build), which alarm. */
  readonly recoveryFailures: SqsQueue;

  constructor(scope: Construct, id: string, props: RefreshTriggersProps) {
    super(scope, id);
    const { config, naming, accountId, kmsKeyArn, project, recoveryProject } = props;
    /**
     * A role `service` assumes that may only start builds of `of` (and whatever `more` grants),
     * and its policy.
     */
    const starter = (
      id: string,
      roleName: string,
      service: string,
      sid: string,
      of: CodebuildProject,
      more: Statement[] = [],
    ) => {
      const role = new IamRole(this, `${id}-role`, {
        name: naming.name(roleName),
        assumeRolePolicy: assumeRolePolicy(service, accountId),
      });
      const policy = new IamRolePolicy(this, `${id}-policy`, {
        name: `${roleName}-start-build`,
        role: role.id,
        policy: policyDocument([
          { Sid: sid, Effect: 'Allow', Action: 'codebuild:StartBuild', Resource: of.arn },
          ...more,
        ]),
      });
      return { role, policy };
    };
    /** The policy letting only the EventBridge rules `ruleArns` send to `queue` (`sid` says why). */
    const rulesMaySendTo = (id: string, queue: SqsQueue, sid: string, ruleArns: string | string[]) =>
      new SqsQueuePolicy(this, id, {
        queueUrl: queue.url,
        policy: policyDocument([
          {
            Sid: sid,
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: queue.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
          },
        ]),
      });
    const retryPolicy = {
      maximumEventAgeInSeconds: config.refresh.triggerRetry.maximumEventAgeSeconds,
      maximumRetryAttempts: config.refresh.triggerRetry.maximumRetryAttempts,
    };

    this.deadLetters = failureQueue(this, 'dead-letters', 'refresh-trigger-dlq', {
      config,
      naming,
      kmsKeyArn,
    });
    const deadLetterConfig = { arn: this.deadLetters.arn };

    // Scheduler writes its dead letters with the schedule's role (EventBridge rules with the
    // queue's policy, below), and the queue is encrypted with the stack's key: the role needs the
    // data key too (the key policy leaves that to IAM), through SQS only.
    const scheduler = starter(
      'scheduler',
      'refresh-schedule',
      'scheduler.amazonaws.com',
      'StartRefreshBuild',
      project,
      [
        {
          Sid: 'SendUndeliveredStarts',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: this.deadLetters.arn,
        },
        {
          Sid: 'EncryptDeadLetters',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: kmsKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': `sqs.${config.region}.amazonaws.com` } },
        },
      ],
    );
    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: naming.name('refresh'),
      description: 'Backstop refresh: rebuild and publish the results from the data present',
      scheduleExpression: config.refresh.schedule,
      scheduleExpressionTimezone: config.refresh.scheduleTimezone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        // Templated target: Scheduler calls CodeBuild StartBuild on the project the ARN names.
        arn: project.arn,
        roleArn: scheduler.role.arn,
        retryPolicy,
        deadLetterConfig,
      },
      dependsOn: [scheduler.policy],
    });

    this.rule = new CloudwatchEventRule(this, 'etl-success', {
      name: naming.name('etl-success'),
      description: 'A successful ETL invocation: new facts to refresh the results from',
      eventPattern: JSON.stringify(etlSuccessPattern(props.etlFunctionArn)),
    });
    this.failedRule = new CloudwatchEventRule(this, 'build-failed', {
      name: naming.name('refresh-build-failed'),
      description: 'A refresh build that failed, faulted or timed out: start a build of the recovery project',
      eventPattern: JSON.stringify(failedBuildPattern(project.name)),
    });
    // The recovery project's builds that end without success: they start nothing (one recovery per
    // failure); their events go to a queue that alarms (below).
    this.recoveryFailedRule = new CloudwatchEventRule(this, 'recovery-failed', {
      name: naming.name('refresh-recovery-failed'),
      description: 'A recovery build that failed, faulted or timed out: its event to the alarmed queue',
      eventPattern: JSON.stringify(failedBuildPattern(recoveryProject.name)),
    });
    const events = starter('events', 'refresh-trigger', 'events.amazonaws.com', 'StartRefreshBuild', project);
    // EventBridge writes to a dead-letter queue with the queue's resource policy, not the role.
    rulesMaySendTo('dead-letters-policy', this.deadLetters, 'RuleSendsUndeliveredEvents', [
      this.rule.arn,
      this.failedRule.arn,
      this.recoveryFailedRule.arn,
    ]);
    this.target = new CloudwatchEventTarget(this, 'start-refresh', {
      rule: this.rule.name,
      targetId: 'start-refresh',
      arn: project.arn,
      roleArn: events.role.arn,
      retryPolicy,
      deadLetterConfig,
      dependsOn: [events.policy],
    });
    const recovery = starter(
      'recovery',
      'refresh-recovery-trigger',
      'events.amazonaws.com',
      'StartRecoveryBuild',
      recoveryProject,
    );
    this.recoveryTarget = new CloudwatchEventTarget(this, 'recover-refresh', {
      rule: this.failedRule.name,
      targetId: 'recover-refresh',
      arn: recoveryProject.arn,
      roleArn: recovery.role.arn,
      inputTransformer: RECOVERY_INPUT,
      retryPolicy,
      deadLetterConfig,
      dependsOn: [recovery.policy],
    });

    // A recovery that ends without success starts nothing. Its state-change event goes to a
    // queue that alarms (alarms.ts), whatever the status: CodeBuild's FailedBuilds metric leaves
    // out FAULT, its own failures. An event not delivered there for a day lands in the dead-letter
    // queue, which alarms too.
    this.recoveryFailures = failureQueue(this, 'recovery-failures', 'refresh-recovery-failures', {
      config,
      naming,
      kmsKeyArn,
    });
    const recoveryFailuresPolicy = rulesMaySendTo(
      'recovery-failures-policy',
      this.recoveryFailures,
      'RuleRecordsFailedRecoveries',
      this.recoveryFailedRule.arn,
    );
    new CloudwatchEventTarget(this, 'record-recovery-failure', {
      rule: this.recoveryFailedRule.name,
      targetId: 'record-recovery-failure',
      arn: this.recoveryFailures.arn,
      retryPolicy,
      deadLetterConfig,
      dependsOn: [recoveryFailuresPolicy],
    });
  }
}
