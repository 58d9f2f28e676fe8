import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETL_MEMORY_METRIC, ETL_METRICS, ETL_METRICS_NAMESPACE } from '../../lambda/etl-metrics.js';
import { STAGES } from '../../stacks/config.js';
import { RUNNER_COMMANDS, RUNNER_IMAGE } from '../../stacks/refresh-runner.js';
import { athenaDbtEnv, fillEnv } from '../../tools/aws/dbt-env.js';
import { awsConfigFrom } from '../../tools/aws/options.js';
import { AWS_SETTINGS } from '../../tools/aws/settings.js';
import {
  ACCOUNT_ID,
  alarmsWithEmails,
  asList,
  bucketNamed,
  onlyResource,
  type PolicyStatement,
  ref,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthStacks,
  type TfJson,
} from './synth-fixture.js';

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

const root = path.resolve(import.meta.dirname, '..', '..');

/** The one resource of a type whose logical name starts with `prefix` (construct path). */
function named(stack: TfJson, type: string, prefix: string): [string, Record<string, unknown>] {
  const all = resourcesOf(stack, type).filter(([n]) => n.startsWith(prefix));
  if (all.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${all.length}`);
  return all[0]!;
}

const policyNamed = (stack: TfJson, name: string): PolicyStatement[] =>
  statementsOf(resourcesOf(stack, 'aws_iam_role_policy').find(([, p]) => p.name === name)?.[1].policy);

/** A statement as [Sid, sorted actions, resources, condition]: what it allows, on what. */
const grant = (s: PolicyStatement) => [s.Sid, asList(s.Action).sort(), s.Resource, s.Condition];

describe.each(['dev', 'prod'] as const)('refresh runner (%s)', (stage) => {
  const stack = () => synth.stacks[stage];
  const config = STAGES[stage];
  const project = () => named(stack(), 'aws_codebuild_project', 'refresh_project_');
  const bucket = (role: string, attr: string) => ref('aws_s3_bucket', bucketNamed(stack(), role), attr);
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${config.region}:${ACCOUNT_ID}:${resource}`;
  const database = () =>
    ref('aws_glue_catalog_database', named(stack(), 'aws_glue_catalog_database', 'catalog_')[0], 'name');

  it('is a CodeBuild project on the managed image, with no build limit (ops refresh serializes), encrypted and logged with the stage key', () => {
    const [, p] = project();
    const [keyName] = onlyResource(stack(), 'aws_kms_key');
    const [logName, logGroup] = named(stack(), 'aws_cloudwatch_log_group', 'refresh_');
    expect(p).toMatchObject({
      name: `store-sales-${stage}-refresh`,
      build_timeout: config.refresh.buildTimeoutMinutes,
      encryption_key: ref('aws_kms_key', keyName, 'arn'),
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: {
        type: 'LINUX_CONTAINER',
        image: 'aws/codebuild/standard:7.0',
        compute_type: config.refresh.computeType,
        privileged_mode: false,
      },
      logs_config: {
        cloudwatch_logs: { status: 'ENABLED', group_name: ref('aws_cloudwatch_log_group', logName, 'name') },
      },
    });
    // a start beyond a build limit is refused with a 400, which EventBridge does not retry
    expect(p).not.toHaveProperty('concurrent_build_limit');
    expect(RUNNER_IMAGE).toBe('aws/codebuild/standard:7.0');
    expect(logGroup).toMatchObject({
      name: `/aws/codebuild/store-sales-${stage}-refresh`,
      retention_in_days: config.logRetentionDays,
      kms_key_id: ref('aws_kms_key', keyName, 'arn'),
    });
  });

  it('runs exactly `npm ci`, the quarantine retry, then `npm run ops -- refresh --target aws`, on Node 20+ and Python 3.11, with Chrome', () => {
    const spec = JSON.parse(String((project()[1].source as { buildspec: string }).buildspec));
    expect(spec.version).toBe('0.2');
    expect(spec.phases.build.commands).toEqual([
      'npm ci',
      'npm run ops -- etl --target aws --retry-quarantine',
      'npm run ops -- refresh --target aws',
    ]);
    expect(RUNNER_COMMANDS).toEqual(spec.phases.build.commands);
    expect(spec.phases.install['runtime-versions'].nodejs).toBeGreaterThanOrEqual(20);
    expect(String(spec.phases.install['runtime-versions'].python)).toBe('3.11');
    expect(spec.phases.install.commands.join('\n')).toContain('/usr/bin/google-chrome --version');
    // Nothing else runs: no other phase, no post-build step that could publish on failure.
    expect(Object.keys(spec.phases).sort()).toEqual(['build', 'install']);
  });

  it('builds from a zip of the tracked files the stack uploads to the analytics bucket', () => {
    const [objectName, object] = named(stack(), 'aws_s3_object', 'refresh_');
    expect(object).toMatchObject({ bucket: bucket('analytics', 'id'), key: 'runner/source.zip' });
    expect(object.source_hash).toMatch(/^[0-9A-F]{32}$/);
    expect(project()[1].source).toMatchObject({
      type: 'S3',
      location: `${bucket('analytics', 'bucket')}/runner/source.zip`,
    });
    expect(asList(project()[1].depends_on as string[])).toContain(`aws_s3_object.${objectName}`);

    const zip = unzipSync(readFileSync(path.join(path.dirname(synth.files[stage]), String(object.source))));
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(Object.keys(zip).sort()).toEqual(tracked.filter((f) => Object.keys(zip).includes(f)).sort());
    expect(Object.keys(zip)).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tools/ops.ts', 'dbt/dbt_project.yml']),
    );
    expect(Object.keys(zip).some((f) => f.startsWith('node_modules/') || f.startsWith('lake/'))).toBe(false);
    expect(Buffer.from(zip['package.json']!).toString()).toBe(
      readFileSync(path.join(root, 'package.json'), 'utf8'),
    );
  });

  it('sets only settings `ops --target aws` and dbt read, pointing at the stack (no outputs file needed)', async () => {
    const vars = Object.fromEntries(
      (
        project()[1].environment as { environment_variable: { name: string; value: string; type: string }[] }
      ).environment_variable.map((v) => {
        expect(v.type).toBe('PLAINTEXT');
        return [v.name, v.value];
      }),
    );
    const workgroup = (id: string) =>
      ref('aws_athena_workgroup', named(stack(), 'aws_athena_workgroup', id)[0], 'name');
    const crawler = resourcesOf(stack(), 'aws_glue_crawler')[0];
    const [etlName] = onlyResource(stack(), 'aws_lambda_function');
    expect(vars).toEqual({
      STORE_SALES_RAW_BUCKET: bucket('raw', 'bucket'),
      STORE_SALES_QUARANTINE_BUCKET: bucket('quarantine', 'bucket'),
      STORE_SALES_ETL_FUNCTION: ref('aws_lambda_function', etlName, 'function_name'),
      STORE_SALES_PROCESSED_BUCKET: bucket('processed', 'bucket'),
      STORE_SALES_RESULTS_BUCKET: bucket('athena-results', 'bucket'),
      STORE_SALES_ANALYTICS_BUCKET: bucket('analytics', 'bucket'),
      STORE_SALES_GLUE_DATABASE: database(),
      STORE_SALES_ATHENA_WORKGROUP: workgroup('query_workgroup'),
      STORE_SALES_GLUE_CRAWLER: crawler ? ref('aws_glue_crawler', crawler[0], 'name') : '',
      ATHENA_WORKGROUP: workgroup('query_dbt-workgroup'),
      ATHENA_S3_DATA_DIR: `s3://${bucket('processed', 'bucket')}/dbt/`,
      ATHENA_S3_STAGING_DIR: `s3://${bucket('athena-results', 'bucket')}/query-results/`,
      CHROMIUM_PATH: '/usr/bin/google-chrome',
    });
    const known = new Set<string>([
      ...Object.values(AWS_SETTINGS).map((s) => s.env),
      'ATHENA_WORKGROUP',
      'ATHENA_S3_DATA_DIR',
      'ATHENA_S3_STAGING_DIR',
      'CHROMIUM_PATH',
    ]);
    for (const name of Object.keys(vars)) expect(known, name).toContain(name);

    // What the build's `ops` makes of them, with CodeBuild's AWS_REGION and no outputs file.
    const env: NodeJS.ProcessEnv = {
      ...vars,
      AWS_REGION: config.region,
      STORE_SALES_OUTPUTS_FILE: undefined,
    };
    const resolved = await awsConfigFrom({}, env);
    expect(resolved.require('analyticsBucket')).toBe(vars.STORE_SALES_ANALYTICS_BUCKET);
    expect(resolved.get('crawler')).toBe(vars.STORE_SALES_GLUE_CRAWLER);
    fillEnv(env, athenaDbtEnv(resolved));
    expect(env).toMatchObject({
      ATHENA_WORKGROUP: vars.ATHENA_WORKGROUP,
      ATHENA_S3_DATA_DIR: vars.ATHENA_S3_DATA_DIR,
      ATHENA_SCHEMA: database(),
      ATHENA_REGION: config.region,
    });
  });

  it("role: exactly the runner's S3 prefixes, workgroups, Glue database and dbt-owned tables, key and logs", () => {
    const analytics = bucket('analytics', 'arn');
    const raw = bucket('raw', 'arn');
    const quarantine = bucket('quarantine', 'arn');
    const processed = bucket('processed', 'arn');
    const results = bucket('athena-results', 'arn');
    const [logName] = named(stack(), 'aws_cloudwatch_log_group', 'refresh_');
    const [keyName] = onlyResource(stack(), 'aws_kms_key');
    const glue = (r: string) => arn('glue', r);
    const db = database();
    const crawler = resourcesOf(stack(), 'aws_glue_crawler')[0];
    const expected = [
      ['ReadSource', ['s3:GetObject', 's3:GetObjectVersion'], `${analytics}/runner/source.zip`, undefined],
      [
        'LocateBuckets',
        ['s3:GetBucketAcl', 's3:GetBucketLocation'],
        [analytics, processed, results],
        undefined,
      ],
      [
        'WriteOwnLogs',
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        `${ref('aws_cloudwatch_log_group', logName, 'arn')}:*`,
        undefined,
      ],
      [
        'QueryWorkgroups',
        [
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:GetWorkGroup',
          'athena:StartQueryExecution',
          'athena:StopQueryExecution',
        ],
        ['query_workgroup', 'query_dbt-workgroup'].map((w) =>
          arn(
            'athena',
            `workgroup/${ref('aws_athena_workgroup', named(stack(), 'aws_athena_workgroup', w)[0], 'name')}`,
          ),
        ),
        undefined,
      ],
      [
        'ReadCatalog',
        [
          'glue:BatchGetPartition',
          'glue:GetDatabase',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:GetTable',
          'glue:GetTables',
        ],
        [glue('catalog'), glue(`database/${db}`), glue(`table/${db}/*`)],
        undefined,
      ],
      ['ListDatabases', ['glue:GetDatabases'], [glue('catalog'), glue('database/*')], undefined],
      [
        'MaintainViewsAndModels',
        [
          'glue:BatchCreatePartition',
          'glue:BatchDeletePartition',
          'glue:BatchDeleteTable',
          'glue:CreatePartition',
          'glue:CreateTable',
          'glue:DeleteTable',
          'glue:DeleteTableVersion',
          'glue:GetTableVersions',
          'glue:UpdateTable',
        ],
        [
          glue('catalog'),
          glue(`database/${db}`),
          ...['v_', 'stg_', 'int_', 'mart_'].map((p) => glue(`table/${db}/${p}*`)),
        ],
        undefined,
      ],
      [
        'ReadFactsAndModels',
        ['s3:GetObject'],
        [`${processed}/processed/store_sales/*`, `${processed}/dbt/*`],
        undefined,
      ],
      [
        'ListFactsAndModels',
        ['s3:ListBucket'],
        processed,
        { StringLike: { 's3:prefix': ['processed/store_sales/*', 'dbt/*'] } },
      ],
      [
        'WriteModels',
        ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'],
        `${processed}/dbt/*`,
        undefined,
      ],
      [
        'ReadWriteQueryResults',
        ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        `${results}/query-results/*`,
        undefined,
      ],
      ['ListQueryResults', ['s3:ListBucket'], results, { StringLike: { 's3:prefix': ['query-results/*'] } }],
      [
        'HoldRefreshLock',
        ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        `${analytics}/locks/*`,
        undefined,
      ],
      ['ListRefreshLock', ['s3:ListBucket'], analytics, { StringLike: { 's3:prefix': ['locks/*'] } }],
      [
        'PublishResults',
        ['s3:PutObject'],
        [`${analytics}/analytics_outputs/*`, `${analytics}/reports/*`],
        undefined,
      ],
      [
        'ListRawSources',
        ['s3:ListBucket'],
        raw,
        { StringLike: { 's3:prefix': ['raw/store_sales/*', 'reference/*'] } },
      ],
      ['ReadFxReference', ['s3:GetObject'], `${raw}/reference/*`, undefined],
      ['ReadQuarantine', ['s3:GetObject'], `${quarantine}/quarantine/store_sales/*`, undefined],
      [
        'ListQuarantine',
        ['s3:ListBucket'],
        quarantine,
        { StringLike: { 's3:prefix': ['quarantine/store_sales/*'] } },
      ],
      ['ReadSourceLedgers', ['s3:GetObject'], `${processed}/state/sources/*`, undefined],
      [
        'ListSourceLedgers',
        ['s3:ListBucket'],
        processed,
        { StringLike: { 's3:prefix': ['state/sources/*'] } },
      ],
      [
        'RetireOutputsOfDeletedSources',
        ['s3:DeleteObject'],
        [`${processed}/processed/store_sales/*`, `${quarantine}/quarantine/store_sales/*`],
        undefined,
      ],
      [
        'InvokeEtlForRetry',
        ['lambda:InvokeFunction'],
        ref('aws_lambda_function', onlyResource(stack(), 'aws_lambda_function')[0], 'arn'),
        undefined,
      ],
      [
        'UseDataKeyThroughS3',
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        ref('aws_kms_key', keyName, 'arn'),
        { StringEquals: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } },
      ],
      ...(crawler
        ? [
            [
              'RunCrawler',
              ['glue:GetCrawler', 'glue:StartCrawler'],
              glue(`crawler/${ref('aws_glue_crawler', crawler[0], 'name')}`),
              undefined,
            ],
          ]
        : []),
    ];
    expect(policyNamed(stack(), 'refresh-least-privilege').map(grant)).toEqual(expected);
    const [, role] = named(stack(), 'aws_iam_role', 'refresh_iam');
    expect(statementsOf(role.assume_role_policy)[0]?.Principal).toEqual({
      Service: 'codebuild.amazonaws.com',
    });
  });
});

describe.each(['dev', 'prod'] as const)('refresh triggers (%s)', (stage) => {
  const stack = () => synth.stacks[stage];
  const config = STAGES[stage];
  const projectRef = (attr: string) =>
    ref('aws_codebuild_project', named(stack(), 'aws_codebuild_project', 'refresh_project_')[0], attr);
  const recoveryRef = (attr: string) =>
    ref(
      'aws_codebuild_project',
      named(stack(), 'aws_codebuild_project', 'refresh_recovery-project_')[0],
      attr,
    );
  /** The retry policy of every trigger's target: a day of retries (then its dead-letter queue). */
  const retriedForADay = () => ({
    maximum_event_age_in_seconds: config.refresh.triggerRetry.maximumEventAgeSeconds,
    maximum_retry_attempts: config.refresh.triggerRetry.maximumRetryAttempts,
  });
  const startBuildOnly = () => [
    ['StartRefreshBuild', ['codebuild:StartBuild'], projectRef('arn'), undefined],
  ];
  const roleOf = (roleArn: unknown) => {
    const id = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(String(roleArn))?.[1];
    const [, role] = resourcesOf(stack(), 'aws_iam_role').find(([n]) => n === id) ?? [];
    const policies = resourcesOf(stack(), 'aws_iam_role_policy').filter(
      ([, p]) => p.role === `\${aws_iam_role.${id}.id}`,
    );
    return {
      trust: statementsOf(role?.assume_role_policy)[0],
      policies: policies.map(([, p]) => statementsOf(p.policy).map(grant)),
    };
  };

  it("a schedule from the stage config starts a build of the runner, retried for a day, then dead-lettered with its role's grant", () => {
    const [, schedule] = onlyResource(stack(), 'aws_scheduler_schedule');
    const [queueName] = named(stack(), 'aws_sqs_queue', 'refresh-triggers_dead-letters_');
    const queueArn = ref('aws_sqs_queue', queueName, 'arn');
    expect(schedule).toMatchObject({
      schedule_expression: config.refresh.schedule,
      schedule_expression_timezone: 'UTC',
      flexible_time_window: { mode: 'OFF' },
      // Templated target: CodeBuild StartBuild on the project's ARN.
      target: {
        arn: projectRef('arn'),
        retry_policy: retriedForADay(),
        // the queue the rules dead-letter to, which alarms
        dead_letter_config: { arn: queueArn },
      },
    });
    expect(config.refresh.schedule).toMatch(/^cron\(\d+ \d+ \* \* \? \*\)$/); // daily
    const target = schedule.target as { input?: string; role_arn: string };
    expect(target.input).toBeUndefined();
    const role = roleOf(target.role_arn);
    expect(role.trust?.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    // Scheduler sends dead letters with this role (not through the queue's policy), to a queue
    // encrypted with the stage key
    const [keyName] = onlyResource(stack(), 'aws_kms_key');
    expect(role.policies).toEqual([
      [
        ...startBuildOnly(),
        ['SendUndeliveredStarts', ['sqs:SendMessage'], queueArn, undefined],
        [
          'EncryptDeadLetters',
          ['kms:Decrypt', 'kms:GenerateDataKey'],
          ref('aws_kms_key', keyName, 'arn'),
          // through SQS only, as every role's use of the key
          { StringEquals: { 'kms:ViaService': `sqs.${config.region}.amazonaws.com` } },
        ],
      ],
    ]);
  });

  it('each successful ETL run (Lambda on-success -> default bus -> rule) starts a build, retried for a day, then dead-lettered', () => {
    const [fnName] = onlyResource(stack(), 'aws_lambda_function');
    const [, invoke] = onlyResource(stack(), 'aws_lambda_function_event_invoke_config');
    const bus = `arn:aws:events:${config.region}:${ACCOUNT_ID}:event-bus/default`;
    expect((invoke.destination_config as { on_success: unknown }).on_success).toEqual({ destination: bus });

    const [ruleName, rule] = named(stack(), 'aws_cloudwatch_event_rule', 'refresh-triggers_etl-success_');
    expect(rule.event_bus_name ?? 'default').toBe('default');
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ['lambda'],
      'detail-type': ['Lambda Function Invocation Result - Success'],
      resources: [{ prefix: ref('aws_lambda_function', fnName, 'arn') }],
    });
    const [, target] = named(stack(), 'aws_cloudwatch_event_target', 'refresh-triggers_start-refresh_');
    const [queueName, queue] = named(stack(), 'aws_sqs_queue', 'refresh-triggers_dead-letters_');
    expect(target).toMatchObject({
      rule: ref('aws_cloudwatch_event_rule', ruleName, 'name'),
      arn: projectRef('arn'),
      retry_policy: retriedForADay(),
      dead_letter_config: { arn: ref('aws_sqs_queue', queueName, 'arn') },
    });
    expect(queue.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    const role = roleOf(target.role_arn);
    expect(role.trust?.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(role.policies).toEqual([startBuildOnly()]);
    const [, queuePolicy] = named(stack(), 'aws_sqs_queue_policy', 'refresh-triggers_dead-letters-policy_');
    expect(statementsOf(queuePolicy.policy)).toEqual([
      {
        Sid: 'RuleSendsUndeliveredEvents',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: ref('aws_sqs_queue', queueName, 'arn'),
        Condition: {
          ArnEquals: {
            'aws:SourceArn': [
              ref('aws_cloudwatch_event_rule', ruleName, 'arn'),
              ref(
                'aws_cloudwatch_event_rule',
                named(stack(), 'aws_cloudwatch_event_rule', 'refresh-triggers_build-failed_')[0],
                'arn',
              ),
              // the failed recoveries' deliveries to their own queue
              ref(
                'aws_cloudwatch_event_rule',
                named(stack(), 'aws_cloudwatch_event_rule', 'refresh-triggers_recovery-failed_')[0],
                'arn',
              ),
            ],
          },
        },
      },
    ]);
  });

  it("each of the runner's builds that ends without success starts a build of the recovery project, retried and dead-lettered alike", () => {
    const [ruleName, rule] = named(stack(), 'aws_cloudwatch_event_rule', 'refresh-triggers_build-failed_');
    expect(rule.event_bus_name ?? 'default').toBe('default');
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ['aws.codebuild'],
      'detail-type': ['CodeBuild Build State Change'],
      detail: {
        'project-name': [projectRef('name')],
        'build-status': ['FAILED', 'FAULT', 'TIMED_OUT'],
        'additional-information': { 'build-complete': [true] },
      },
    });
    const [, target] = named(stack(), 'aws_cloudwatch_event_target', 'refresh-triggers_recover-refresh_');
    const [, etlTarget] = named(stack(), 'aws_cloudwatch_event_target', 'refresh-triggers_start-refresh_');
    expect(target).toMatchObject({
      rule: ref('aws_cloudwatch_event_rule', ruleName, 'name'),
      arn: recoveryRef('arn'),
      retry_policy: etlTarget.retry_policy,
      dead_letter_config: etlTarget.dead_letter_config,
    });
    // its role may start the recovery project only: never the runner, so no recovery loops
    const role = roleOf(target.role_arn);
    expect(role.trust?.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(role.policies).toEqual([
      [['StartRecoveryBuild', ['codebuild:StartBuild'], recoveryRef('arn'), undefined]],
    ]);
    // the StartBuild request EventBridge makes: the failed build's ARN in RECOVERS_BUILD_ENV
    const transformer = target.input_transformer as {
      input_paths: Record<string, string>;
      input_template: string;
    };
    expect(transformer.input_paths).toEqual({ build: '$.detail.build-id' });
    expect(JSON.parse(transformer.input_template)).toEqual({
      environmentVariablesOverride: [
        { name: 'STORE_SALES_RECOVERS_BUILD', value: '<build>', type: 'PLAINTEXT' },
      ],
    });
  });

  it("the recovery project's builds that end without success start nothing: their events go to an encrypted queue, which alarms", () => {
    const [ruleName, rule] = named(stack(), 'aws_cloudwatch_event_rule', 'refresh-triggers_recovery-failed_');
    const [, runnerRule] = named(stack(), 'aws_cloudwatch_event_rule', 'refresh-triggers_build-failed_');
    // the runner's pattern with the recovery project's name: FAULT included, which CodeBuild's
    // FailedBuilds metric does not count
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      ...JSON.parse(String(runnerRule.event_pattern)),
      detail: {
        'project-name': [recoveryRef('name')],
        'build-status': ['FAILED', 'FAULT', 'TIMED_OUT'],
        'additional-information': { 'build-complete': [true] },
      },
    });
    const [queueName, queue] = named(stack(), 'aws_sqs_queue', 'refresh-triggers_recovery-failures_');
    expect(queue.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    // the only target of the rule is the queue: no build is started
    const targets = resourcesOf(stack(), 'aws_cloudwatch_event_target').filter(
      ([, t]) => t.rule === ref('aws_cloudwatch_event_rule', ruleName, 'name'),
    );
    expect(targets.map(([, t]) => t.arn)).toEqual([ref('aws_sqs_queue', queueName, 'arn')]);
    expect(targets[0]?.[1].role_arn).toBeUndefined();
    // an event not delivered there for a day goes where the triggers' do, which alarms
    const [deadLettersName] = named(stack(), 'aws_sqs_queue', 'refresh-triggers_dead-letters_');
    expect(targets[0]?.[1]).toMatchObject({
      retry_policy: retriedForADay(),
      dead_letter_config: { arn: ref('aws_sqs_queue', deadLettersName, 'arn') },
    });
    const [, policy] = named(stack(), 'aws_sqs_queue_policy', 'refresh-triggers_recovery-failures-policy_');
    expect(statementsOf(policy.policy)).toEqual([
      {
        Sid: 'RuleRecordsFailedRecoveries',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: ref('aws_sqs_queue', queueName, 'arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': ref('aws_cloudwatch_event_rule', ruleName, 'arn') } },
      },
    ]);
    const alarms = resourcesOf(stack(), 'aws_cloudwatch_metric_alarm').filter(
      ([, a]) =>
        (a.dimensions as { QueueName?: string } | undefined)?.QueueName ===
        ref('aws_sqs_queue', queueName, 'name'),
    );
    expect(alarms.map(([, a]) => [a.alarm_name, a.metric_name, a.threshold])).toEqual([
      [`store-sales-${stage}-refresh-recovery-failed`, 'ApproximateNumberOfMessagesVisible', 0],
    ]);
  });

  it('the recovery project is the runner under another name: same buildspec, source, environment, role and logs', () => {
    const [, runner] = named(stack(), 'aws_codebuild_project', 'refresh_project_');
    const [, recovery] = named(stack(), 'aws_codebuild_project', 'refresh_recovery-project_');
    const { name, description, '//': _meta, ...rest } = runner;
    const { name: rName, description: rDescription, '//': _rMeta, ...recoveryRest } = recovery;
    expect(recoveryRest).toEqual(rest);
    expect(rName).toBe(`${String(name)}-recovery`);
    expect(String(rDescription)).toContain(String(name));
  });
});

describe.each(['dev', 'prod'] as const)('alarms (%s)', (stage) => {
  const stack = () => synth.stacks[stage];
  const config = STAGES[stage];
  const topic = () => onlyResource(stack(), 'aws_sns_topic');
  const alarms = () => resourcesOf(stack(), 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
  const alarm = (metric: string, namespace: string) => {
    const found = alarms().filter((a) => a.metric_name === metric && a.namespace === namespace);
    expect(found, `${namespace} ${metric}`).toHaveLength(1);
    return found[0]!;
  };

  it('go to one SNS topic encrypted with the stage key, which CloudWatch may use; no subscription by default', () => {
    const [keyName, key] = onlyResource(stack(), 'aws_kms_key');
    expect(topic()[1].kms_master_key_id).toBe(ref('aws_kms_key', keyName, 'arn'));
    const keyGrant = statementsOf(key.policy).find(
      (s) => s.Sid === 'AlarmsAndEventsUseKeyForTopicAndDeadLetters',
    );
    expect(keyGrant?.Principal).toEqual({ Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] });
    expect(asList(keyGrant?.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(config.alerts.emails).toEqual([]);
    expect(resourcesOf(stack(), 'aws_sns_topic_subscription')).toEqual([]);
  });

  it('every alarm (at least four) acts on the topic and says what to do', () => {
    const topicArn = ref('aws_sns_topic', topic()[0], 'arn');
    expect(alarms().length).toBeGreaterThanOrEqual(4);
    for (const a of alarms()) {
      expect(a.alarm_actions, String(a.alarm_name)).toEqual([topicArn]);
      expect(String(a.alarm_description).length, String(a.alarm_name)).toBeGreaterThan(60);
      // A what-to-do: a command to run or a place to read.
      expect(String(a.alarm_description), String(a.alarm_name)).toMatch(
        /npm run ops -- |aws [a-z]+ [a-z-]+|log group|build log/,
      );
      expect(a).toMatchObject({
        comparison_operator: 'GreaterThanThreshold',
        treat_missing_data: 'notBreaching',
      });
    }
  });

  it('watch ETL errors, throttles and memory, the on-failure queue, failed refresh and recovery builds and quarantine spikes', () => {
    const fn = ref('aws_lambda_function', onlyResource(stack(), 'aws_lambda_function')[0], 'function_name');
    const failures = ref('aws_sqs_queue', named(stack(), 'aws_sqs_queue', 'etl_')[0], 'name');
    const deadLetters = ref(
      'aws_sqs_queue',
      named(stack(), 'aws_sqs_queue', 'refresh-triggers_dead-letters_')[0],
      'name',
    );
    const failedRecoveries = ref(
      'aws_sqs_queue',
      named(stack(), 'aws_sqs_queue', 'refresh-triggers_recovery-failures_')[0],
      'name',
    );
    const projectName = ref(
      'aws_codebuild_project',
      named(stack(), 'aws_codebuild_project', 'refresh_project_')[0],
      'name',
    );
    expect(alarm('Errors', 'AWS/Lambda')).toMatchObject({
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
      threshold: 0,
    });
    expect(alarm('Throttles', 'AWS/Lambda')).toMatchObject({
      dimensions: { FunctionName: fn },
      threshold: 0,
    });
    const queues = alarms().filter(
      (a) => a.metric_name === 'ApproximateNumberOfMessagesVisible' && a.namespace === 'AWS/SQS',
    );
    expect(queues.map((a) => a.dimensions)).toEqual([
      { QueueName: failures },
      { QueueName: failedRecoveries },
      { QueueName: deadLetters },
    ]);
    for (const q of queues) expect(q).toMatchObject({ statistic: 'Maximum', threshold: 0 });
    // the runner's failed builds by CodeBuild's metric; the recovery's by their queue (above)
    const builds = alarms().filter(
      (a) => a.metric_name === 'FailedBuilds' && a.namespace === 'AWS/CodeBuild',
    );
    expect(builds.map((a) => a.dimensions)).toEqual([{ ProjectName: projectName }]);
    for (const b of builds) expect(b).toMatchObject({ statistic: 'Sum', threshold: 0 });
    // The namespace and metric the ETL emits (lambda/etl-metrics.ts), on its dimensionless totals.
    const spike = alarm('RecordsQuarantined', ETL_METRICS_NAMESPACE);
    expect(ETL_METRICS).toContain(spike.metric_name);
    expect(spike).toMatchObject({
      statistic: 'Sum',
      period: 3600,
      threshold: config.alerts.quarantineSpikePerHour,
    });
    expect(spike.dimensions).toBeUndefined();
    // The ETL's peak memory, in % of the function's (its largest run over 5 minutes).
    const memory = alarm(ETL_MEMORY_METRIC, ETL_METRICS_NAMESPACE);
    expect(memory).toMatchObject({
      statistic: 'Maximum',
      period: 300,
      threshold: config.alerts.etlMemoryPercent,
    });
    expect(memory.dimensions).toBeUndefined();
    expect(String(memory.alarm_description)).toContain(`${config.lambda.memoryMb} MB`);
    expect(String(memory.alarm_description)).toContain('lambda.memoryMb');
  });
});

describe('alarm e-mail subscriptions', () => {
  it('subscribes each configured address to the topic, and only those', () => {
    const json = alarmsWithEmails(['ops@example.com', 'data@example.com']);
    const topicArn = ref('aws_sns_topic', onlyResource(json, 'aws_sns_topic')[0], 'arn');
    expect(resourcesOf(json, 'aws_sns_topic_subscription').map(([, s]) => s)).toEqual(
      ['ops@example.com', 'data@example.com'].map((endpoint) =>
        expect.objectContaining({ topic_arn: topicArn, protocol: 'email', endpoint }),
      ),
    );
  });
});
