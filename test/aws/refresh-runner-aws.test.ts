import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type Dimension,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
} from '@aws-sdk/client-codebuild';
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOVERS_BUILD_ENV } from '../../contracts/refresh-recovery.js';
import { ETL_MEMORY_METRIC, emfFields } from '../../lambda/etl-metrics.js';
import { latestFactWrite } from '../../tools/aws/facts-written.js';
import {
  onlyResource,
  resourcesOf,
  type Synthesized,
  synthStacks,
  type TfJson,
} from '../stacks/synth-fixture.js';
import { ACCOUNT, FAKE_AWS_ENV, type MotoServer, REGION, startMoto } from './support/moto-server.js';

/** The `i`-th metric directive of an Embedded Metric Format log line (`_aws.CloudWatchMetrics`). */
const emfDirective = (line: Record<string, unknown>, i: number) =>
  (
    line._aws as {
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: StandardUnit }[];
      }[];
    }
  ).CloudWatchMetrics[i]!;

// The stack's refresh runner, triggers and alarms, as synthesized, replayed against moto server:
// each resource is created from its synthesized arguments (Terraform references replaced by the
// names moto gave), then driven the way AWS would. Where moto stops short of AWS, the test says so.

let synth: Synthesized;
let moto: MotoServer;
let stack: TfJson;
const clientConfig = () => ({
  endpoint: moto.url,
  region: REGION,
  credentials: {
    accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID,
    secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
  },
});
let sns: SNSClient;
let sqs: SQSClient;
let cloudwatch: CloudWatchClient;
let events: EventBridgeClient;
let codebuild: CodeBuildClient;
let scheduler: SchedulerClient;

/** Replaces every `${type.name.attr}` reference of the synthesized JSON with a moto value (or a stand-in). */
const resolve = (text: string, values: Record<string, string>): string =>
  text.replace(
    /\$\{([a-z_.]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g,
    (_ref, type: string, name: string, attr: string) => {
      const key = `${type}.${attr}`;
      if (key in values) return values[key]!;
      return `${name}-${attr}`.replace(/[^A-Za-z0-9-]/g, '-');
    },
  );

/** A queue to observe deliveries with; returns its URL and ARN. */
async function observer(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: attrs.Attributes!.QueueArn! };
}
const received = async (url: string): Promise<string[]> =>
  (
    (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      )
    ).Messages ?? []
  ).map((m) => m.Body ?? '');

/** Creates a KMS key in moto (no KMS client in the project: one signed-enough JSON call). */
async function createKey(): Promise<string> {
  const res = await fetch(moto.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'TrentService.CreateKey',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${REGION}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Description: 'stage key' }),
  });
  return ((await res.json()) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
}

const project = () =>
  resourcesOf(stack, 'aws_codebuild_project').find(([n]) => n.startsWith('refresh_project_'))![1];
const recoveryProject = () =>
  resourcesOf(stack, 'aws_codebuild_project').find(([n]) => n.startsWith('refresh_recovery-project_'))![1];
/** The stack's EventBridge rule whose construct id is `id`, and its one target. */
const ruleNamed = (id: string) => {
  const [name, rule] = resourcesOf(stack, 'aws_cloudwatch_event_rule').find(([n]) =>
    n.startsWith(`refresh-triggers_${id}_`),
  )!;
  const [, target] = resourcesOf(stack, 'aws_cloudwatch_event_target').find(
    ([, t]) => t.rule === `\${aws_cloudwatch_event_rule.${name}.name}`,
  )!;
  return [name, rule, target] as const;
};
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:store-sales-dev-etl`;
const buildArn = (project: string, n: number) =>
  `arn:aws:codebuild:${REGION}:${ACCOUNT}:build/${project}:00000000-0000-4000-8000-00000000000${n}`;
/** CodeBuild's state-change event, as documented (trimmed to the fields patterns may use). */
const stateChange = (project: string, status: string, n: number, complete = true) => ({
  Source: 'aws.codebuild',
  DetailType: 'CodeBuild Build State Change',
  Resources: [buildArn(project, n)],
  Detail: JSON.stringify({
    'build-status': status,
    'project-name': project,
    'build-id': buildArn(project, n),
    'additional-information': {
      'build-complete': complete,
      initiator: 'rule/store-sales-dev-etl-success',
    },
  }),
});
let projectArn: string;
let topicArn: string;

beforeAll(async () => {
  synth = await synthStacks();
  stack = synth.stacks.dev;
  moto = await startMoto();
  sns = new SNSClient(clientConfig());
  sqs = new SQSClient(clientConfig());
  cloudwatch = new CloudWatchClient(clientConfig());
  events = new EventBridgeClient(clientConfig());
  codebuild = new CodeBuildClient(clientConfig());
  scheduler = new SchedulerClient(clientConfig());

  // The runner, from its synthesized arguments.
  const p = project();
  const env = p.environment as {
    compute_type: string;
    image: string;
    type: string;
    environment_variable: { name: string; value: string }[];
  };
  const source = p.source as { type: 'S3'; location: string; buildspec: string };
  const created = await codebuild.send(
    new CreateProjectCommand({
      name: String(p.name),
      source: { type: source.type, location: resolve(source.location, {}), buildspec: source.buildspec },
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: {
        type: 'LINUX_CONTAINER',
        computeType: 'BUILD_GENERAL1_SMALL',
        image: env.image,
        environmentVariables: env.environment_variable.map((v) => ({
          name: v.name,
          value: resolve(v.value, {}),
          type: 'PLAINTEXT',
        })),
      },
      serviceRole: `arn:aws:iam::${ACCOUNT}:role/store-sales-dev-refresh`,
      timeoutInMinutes: Number(p.build_timeout),
    }),
  );
  projectArn = created.project!.arn!;
  const kmsKeyArn = await createKey();
  const [, topic] = onlyResource(stack, 'aws_sns_topic');
  topicArn = (
    await sns.send(
      new CreateTopicCommand({ Name: String(topic.name), Attributes: { KmsMasterKeyId: kmsKeyArn } }),
    )
  ).TopicArn!;
}, 120_000);
afterAll(async () => {
  for (const c of [sns, sqs, cloudwatch, events, codebuild, scheduler]) c?.destroy();
  await moto?.stop();
  await synth?.cleanup();
});

describe('refresh runner and triggers on moto', () => {
  it('the schedule (a templated CodeBuild target) starts a build of the runner', async () => {
    const [, schedule] = onlyResource(stack, 'aws_scheduler_schedule');
    const target = schedule.target as { arn: string; role_arn: string };
    await scheduler.send(
      new CreateScheduleCommand({
        Name: String(schedule.name),
        ScheduleExpression: String(schedule.schedule_expression),
        ScheduleExpressionTimezone: String(schedule.schedule_expression_timezone),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: resolve(target.arn, { 'aws_codebuild_project.arn': projectArn }),
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/store-sales-dev-refresh-schedule`,
        },
      }),
    );
    const stored = await scheduler.send(new GetScheduleCommand({ Name: String(schedule.name) }));
    expect(stored.ScheduleExpression).toBe('cron(0 5 * * ? *)');
    expect(stored.Target?.Arn).toBe(projectArn);
    // moto's scheduler stores schedules but never fires them: the templated target's call
    // (StartBuild on the project its ARN names) is replayed here as Scheduler would make it.
    const projectName = stored.Target!.Arn!.split(':project/')[1]!;
    const started = await codebuild.send(new StartBuildCommand({ projectName }));
    const [build] = (await codebuild.send(new BatchGetBuildsCommand({ ids: [started.build!.id!] }))).builds!;
    expect(build?.projectName).toBe(project().name);
    expect(build?.id).toBe(started.build?.id);
  });

  it('the rule matches the event Lambda sends for a successful ETL run, and only that', async () => {
    const [, rule] = ruleNamed('etl-success');
    const pattern = resolve(String(rule.event_pattern), { 'aws_lambda_function.arn': FUNCTION_ARN });
    await events.send(new PutRuleCommand({ Name: String(rule.name), EventPattern: pattern }));
    // The stack's target, the runner, as the rule's only target; then, for the delivery check, an
    // SQS queue in its place: moto's EventBridge does not start CodeBuild builds (its PutEvents
    // answers HTTP 500 when a matching rule targets a CodeBuild project), but it delivers to SQS.
    await events.send(
      new PutTargetsCommand({
        Rule: String(rule.name),
        Targets: [
          {
            Id: 'start-refresh',
            Arn: projectArn,
            RoleArn: `arn:aws:iam::${ACCOUNT}:role/store-sales-dev-refresh-trigger`,
          },
        ],
      }),
    );
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: String(rule.name) }));
    expect(targets.Targets?.map((t) => t.Arn)).toEqual([projectArn]);
    await events.send(new RemoveTargetsCommand({ Rule: String(rule.name), Ids: ['start-refresh'] }));
    const seen = await observer('rule-matches');
    await events.send(
      new PutTargetsCommand({ Rule: String(rule.name), Targets: [{ Id: 'observer', Arn: seen.arn }] }),
    );
    const destinationEvent = (detailType: string, functionArn: string) => ({
      Source: 'lambda',
      DetailType: detailType,
      Resources: [`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`, `${functionArn}:$LATEST`],
      Detail: JSON.stringify({
        version: '1.0',
        requestContext: {
          requestId: 'r-1',
          functionArn: `${functionArn}:$LATEST`,
          condition: 'Success',
          approximateInvokeCount: 1,
        },
        responsePayload: null,
      }),
    });
    await events.send(
      new PutEventsCommand({
        Entries: [
          destinationEvent('Lambda Function Invocation Result - Success', FUNCTION_ARN),
          destinationEvent('Lambda Function Invocation Result - Failure', FUNCTION_ARN),
          destinationEvent(
            'Lambda Function Invocation Result - Success',
            `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other`,
          ),
        ],
      }),
    );
    const bodies = (await received(seen.url)).map(
      (b) => JSON.parse(b) as { 'detail-type': string; resources: string[] },
    );
    expect(bodies.map((b) => [b['detail-type'], b.resources[1]])).toEqual([
      ['Lambda Function Invocation Result - Success', `${FUNCTION_ARN}:$LATEST`],
    ]);
  });

  it("the recovery rule matches the runner's builds that ended without success, not the recovery's, and names the failed build", async () => {
    const [, rule, target] = ruleNamed('build-failed');
    const projectName = String(project().name);
    const pattern = resolve(String(rule.event_pattern), { 'aws_codebuild_project.name': projectName });
    await events.send(new PutRuleCommand({ Name: String(rule.name), EventPattern: pattern }));
    // As for the ETL rule: moto's EventBridge starts no CodeBuild build, so the target's input
    // transformer is applied to a delivery to SQS, whose body is the StartBuild request AWS makes.
    const transformer = target.input_transformer as {
      input_paths: Record<string, string>;
      input_template: string;
    };
    const seen = await observer('recovery-starts');
    await events.send(
      new PutTargetsCommand({
        Rule: String(rule.name),
        Targets: [
          {
            Id: 'observer',
            Arn: seen.arn,
            InputTransformer: {
              InputPathsMap: transformer.input_paths,
              InputTemplate: transformer.input_template,
            },
          },
        ],
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: [
          stateChange(projectName, 'FAILED', 1),
          stateChange(projectName, 'SUCCEEDED', 2),
          stateChange(projectName, 'IN_PROGRESS', 3),
          stateChange('another-project', 'FAILED', 4),
          // stopped by a person: left alone
          stateChange(projectName, 'STOPPED', 5),
          // a recovery that failed too: no rule starts another (one recovery per failure)
          stateChange(String(recoveryProject().name), 'FAILED', 6),
          stateChange(projectName, 'FAILED', 7, false),
          stateChange(projectName, 'TIMED_OUT', 8),
          stateChange(projectName, 'FAULT', 9),
        ],
      }),
    );
    const bodies = (await received(seen.url)).map((b) => JSON.parse(b));
    expect(bodies).toEqual(
      [1, 8, 9].map((n) => ({
        environmentVariablesOverride: [
          { name: RECOVERS_BUILD_ENV, value: buildArn(projectName, n), type: 'PLAINTEXT' },
        ],
      })),
    );
  });

  it("the recovery-failed rule takes the recovery's builds that ended without success, FAULT included, to its queue", async () => {
    const [, rule, target] = ruleNamed('recovery-failed');
    const recoveryName = String(recoveryProject().name);
    const pattern = resolve(String(rule.event_pattern), { 'aws_codebuild_project.name': recoveryName });
    await events.send(new PutRuleCommand({ Name: String(rule.name), EventPattern: pattern }));
    // the stack's target is its queue (no build started): a queue of that name here
    const [queueId, queueResource] = resourcesOf(stack, 'aws_sqs_queue').find(([n]) =>
      n.startsWith('refresh-triggers_recovery-failures_'),
    )!;
    expect(target.arn).toBe(`\${aws_sqs_queue.${queueId}.arn}`);
    const queue = await observer(String(queueResource.name));
    await events.send(
      new PutTargetsCommand({
        Rule: String(rule.name),
        Targets: [{ Id: String(target.target_id), Arn: queue.arn }],
      }),
    );
    const runnerName = String(project().name);
    await events.send(
      new PutEventsCommand({
        Entries: [
          stateChange(recoveryName, 'FAILED', 1),
          stateChange(recoveryName, 'SUCCEEDED', 2),
          stateChange(recoveryName, 'STOPPED', 3),
          stateChange(recoveryName, 'FAULT', 4, false),
          // the runner's failures are the recovery rule's, not this one's
          stateChange(runnerName, 'FAILED', 5),
          stateChange(recoveryName, 'TIMED_OUT', 6),
          stateChange(recoveryName, 'FAULT', 7),
        ],
      }),
    );
    const bodies = (await received(queue.url)).map(
      (b) => JSON.parse(b) as { detail: Record<string, unknown> },
    );
    expect(bodies.map((b) => [b.detail['build-id'], b.detail['build-status']]).sort()).toEqual([
      [buildArn(recoveryName, 1), 'FAILED'],
      [buildArn(recoveryName, 6), 'TIMED_OUT'],
      [buildArn(recoveryName, 7), 'FAULT'],
    ]);
  });

  it('messages published to the encrypted alert topic reach its subscribers', async () => {
    const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(attrs.Attributes?.KmsMasterKeyId).toMatch(/^arn:aws:kms:/);
    const inbox = await observer('alert-inbox');
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inbox.arn }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'ALARM', Message: 'refresh failed' }));
    const [message] = await received(inbox.url);
    expect(JSON.parse(message ?? '{}')).toMatchObject({ TopicArn: topicArn, Message: 'refresh failed' });
  });

  it('every synthesized alarm can be created with the topic as its action and set to ALARM', async () => {
    const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
    for (const a of alarms) {
      const dimensions = Object.entries((a.dimensions as Record<string, string> | undefined) ?? {}).map(
        ([Name, Value]): Dimension => ({ Name, Value: resolve(Value, {}) }),
      );
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName: String(a.alarm_name),
          AlarmDescription: resolve(String(a.alarm_description), {}),
          Namespace: String(a.namespace),
          MetricName: String(a.metric_name),
          Dimensions: dimensions,
          Statistic: a.statistic as 'Sum' | 'Maximum',
          Period: Number(a.period),
          EvaluationPeriods: Number(a.evaluation_periods),
          Threshold: Number(a.threshold),
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: String(a.treat_missing_data),
          AlarmActions: (a.alarm_actions as string[]).map((arn) =>
            resolve(arn, { 'aws_sns_topic.arn': topicArn }),
          ),
        }),
      );
      await cloudwatch.send(
        new SetAlarmStateCommand({
          AlarmName: String(a.alarm_name),
          StateValue: 'ALARM',
          StateReason: 'test',
        }),
      );
    }
    const described =
      (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'store-sales-dev-' })))
        .MetricAlarms ?? [];
    expect(described).toHaveLength(alarms.length);
    for (const d of described) {
      expect(d.StateValue).toBe('ALARM');
      expect(d.AlarmActions).toEqual([topicArn]);
    }
    // moto 5.2 records the state change but does not run the alarm's actions (cloudwatch/models.py
    // set_alarm_state -> update_state only appends history), so delivery is the previous test's.
  });

  it("the ETL's metrics, as CloudWatch extracts them from its EMF log line, feed the quarantine-spike alarm", async () => {
    const [, spike] = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').find(
      ([, a]) => a.metric_name === 'RecordsQuarantined',
    )!;
    const now = new Date();
    // Two files: one clean, one whose producer broke the contract.
    const lines = [
      emfFields(
        'orders_2025_01.json',
        { read: 5000, loaded: 5000, quarantined: 0, byFormat: { v2: 5000, original: 0, unrecognised: 0 } },
        now,
      ),
      emfFields(
        'orders_2025_02.json',
        {
          read: 4000,
          loaded: 3800,
          quarantined: 200,
          byFormat: { v2: 3900, original: 0, unrecognised: 100 },
        },
        now,
      ),
    ];
    // What CloudWatch Logs does with each EMF line (moto's Logs does not extract EMF): one datum
    // per metric and dimension set, the dimension values read from the line itself.
    // moto answers a dimensionless statistics query with every datum of the metric, whatever its
    // dimensions (AWS matches the exact dimension set), so the totals go in and are read first.
    const put = async (set: 'totals' | 'per-file') => {
      for (const line of lines) {
        const meta = emfDirective(line, 0);
        await cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: meta.Namespace,
            MetricData: meta.Dimensions.filter((d) =>
              set === 'totals' ? d.length === 0 : d.length > 0,
            ).flatMap((dims) =>
              meta.Metrics.map((m) => ({
                MetricName: m.Name,
                Unit: m.Unit,
                Value: Number(line[m.Name]),
                Timestamp: now,
                Dimensions: dims.map((name) => ({ Name: name, Value: String(line[name]) })),
              })),
            ),
          }),
        );
      }
    };
    await put('totals');
    const stats = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: String(spike.namespace),
        MetricName: String(spike.metric_name),
        Dimensions: [],
        Statistics: ['Sum'],
        Period: Number(spike.period),
        StartTime: new Date(now.getTime() - 3600_000),
        EndTime: new Date(now.getTime() + 60_000),
      }),
    );
    const total = (stats.Datapoints ?? []).reduce((sum, d) => sum + (d.Sum ?? 0), 0);
    expect(total).toBe(200);
    expect(total).toBeGreaterThan(Number(spike.threshold));
    await put('per-file');
    const perFile = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: String(spike.namespace),
        MetricName: String(spike.metric_name),
        Dimensions: [{ Name: 'Source', Value: 'orders_2025_02.json' }],
        Statistics: ['Sum'],
        Period: 3600,
        StartTime: new Date(now.getTime() - 3600_000),
        EndTime: new Date(now.getTime() + 60_000),
      }),
    );
    expect((perFile.Datapoints ?? []).reduce((sum, d) => sum + (d.Sum ?? 0), 0)).toBe(200);
  });

  it("the ETL's peak memory, from the second directive of its EMF line, feeds the etl-memory alarm", async () => {
    const [, alarm] = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').find(
      ([, a]) => a.metric_name === ETL_MEMORY_METRIC,
    )!;
    const now = new Date();
    const counts = {
      read: 10,
      loaded: 10,
      quarantined: 0,
      byFormat: { v2: 10, original: 0, unrecognised: 0 },
    };
    // Two runs of the same five minutes: one within the limit, one past it.
    for (const [source, percent] of [
      ['orders_2025_11.json', 42.5],
      ['orders_2025_12.json', 86.1],
    ] as const) {
      const line = emfFields(source, counts, now, percent);
      const meta = emfDirective(line, 1);
      // what CloudWatch Logs extracts from the directive (moto's Logs does not extract EMF)
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: meta.Namespace,
          MetricData: meta.Metrics.map((m) => ({
            MetricName: m.Name,
            Unit: m.Unit,
            Value: Number(line[m.Name]),
            Timestamp: now,
          })),
        }),
      );
    }
    const stats = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: String(alarm.namespace),
        MetricName: String(alarm.metric_name),
        Dimensions: [],
        Statistics: [alarm.statistic as 'Maximum'],
        Period: Number(alarm.period),
        StartTime: new Date(now.getTime() - 600_000),
        EndTime: new Date(now.getTime() + 60_000),
      }),
    );
    const peak = Math.max(...(stats.Datapoints ?? []).map((d) => d.Maximum ?? 0));
    expect(peak).toBe(86.1);
    expect(peak).toBeGreaterThan(Number(alarm.threshold));
  });

  it('start-build by project name (what `aws codebuild start-build` sends) returns a build of the runner', async () => {
    const started = await codebuild.send(new StartBuildCommand({ projectName: String(project().name) }));
    expect(started.build?.projectName).toBe(project().name);
    expect(started.build?.arn ?? started.build?.id).toContain('store-sales-dev-refresh');
  });

  it('the build sees when the ETL last wrote facts (newest LastModified under processed/store_sales/)', async () => {
    const s3 = new S3Client({ ...clientConfig(), forcePathStyle: true });
    try {
      const bucket = 'store-sales-dev-processed';
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: REGION },
        }),
      );
      expect(await latestFactWrite(s3, bucket)).toBeUndefined();
      const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
      await put('processed/store_sales/fact_orders/order_year=2025/order_month=01/part-a.parquet');
      await sleep(1100);
      const newest = 'processed/store_sales/fact_order_items/order_year=2025/order_month=02/part-b.parquet';
      await put(newest);
      await sleep(1100);
      await put('dbt/mart_monthly_revenue/later.parquet'); // dbt's tables are not ETL output
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: newest }));
      expect(await latestFactWrite(s3, bucket)).toEqual(head.LastModified);
    } finally {
      s3.destroy();
    }
  });
});
