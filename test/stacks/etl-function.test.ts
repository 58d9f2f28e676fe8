import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../stacks/config.js';
import {
  ACCOUNT_ID,
  asList,
  bucketNamed,
  onlyResource,
  ref,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthStacks,
} from './synth-fixture.js';

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

describe.each(['dev', 'prod'] as const)('ETL function (%s)', (stage) => {
  const stack = () => synth.stacks[stage];
  const fn = () => onlyResource(stack(), 'aws_lambda_function');
  /** The ETL construct's one resource of a type (the runner and triggers have log groups and queues too). */
  const etlResource = (type: string) => {
    const own = resourcesOf(stack(), type).filter(([name]) => name.startsWith('etl_'));
    expect(own, type).toHaveLength(1);
    return own[0] as [string, Record<string, unknown>];
  };
  const config = STAGES[stage];

  it('runs on Node.js 22 or newer, on arm64, sized from the stage config', () => {
    const [, lambda] = fn();
    const major = Number(/^nodejs(\d+)\.x$/.exec(String(lambda.runtime))?.[1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(lambda).toMatchObject({
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: config.lambda.memoryMb,
      timeout: config.lambda.timeoutSeconds,
      ephemeral_storage: { size: config.lambda.tmpStorageMb },
      tracing_config: { mode: 'Active' },
    });
    expect(lambda.memory_size).toBeGreaterThanOrEqual(1024);
    expect(lambda.timeout).toBeGreaterThanOrEqual(300);
    expect(lambda.timeout).toBeLessThanOrEqual(900);
  });

  it('names the processed and quarantine buckets in its environment, not swapped', () => {
    const [, lambda] = fn();
    expect((lambda.environment as { variables: Record<string, string> }).variables).toEqual({
      PROCESSED_BUCKET: ref('aws_s3_bucket', bucketNamed(stack(), 'processed'), 'bucket'),
      QUARANTINE_BUCKET: ref('aws_s3_bucket', bucketNamed(stack(), 'quarantine'), 'bucket'),
    });
  });

  it('deploys the esbuild bundle as a zipped asset with index.mjs at its root', () => {
    const [, lambda] = fn();
    const zip = readFileSync(path.join(path.dirname(synth.files[stage]), String(lambda.filename)));
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(zip.includes('index.mjs')).toBe(true);
    expect(lambda.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
  });

  it('logs as JSON to its own KMS-encrypted log group with a retention', () => {
    const [logName, logGroup] = etlResource('aws_cloudwatch_log_group');
    const [keyName] = onlyResource(stack(), 'aws_kms_key');
    expect(logGroup).toMatchObject({
      name: `/aws/lambda/store-sales-${stage}-etl`,
      retention_in_days: config.logRetentionDays,
      kms_key_id: ref('aws_kms_key', keyName, 'arn'),
    });
    expect(fn()[1].logging_config).toMatchObject({
      log_format: 'JSON',
      log_group: ref('aws_cloudwatch_log_group', logName, 'name'),
    });
  });

  it('sends events that still fail after retries to an encrypted SQS on-failure destination', () => {
    const [, invokeConfig] = onlyResource(stack(), 'aws_lambda_function_event_invoke_config');
    const [queueName, queue] = etlResource('aws_sqs_queue');
    expect(invokeConfig).toMatchObject({
      maximum_retry_attempts: config.lambda.maxRetryAttempts,
      destination_config: { on_failure: { destination: ref('aws_sqs_queue', queueName, 'arn') } },
    });
    expect(queue.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    const send = statementsOf(etlPolicy()).find((s) => s.Action === 'sqs:SendMessage');
    expect(send?.Resource).toBe(ref('aws_sqs_queue', queueName, 'arn'));
  });

  it('announces each successful run on the default event bus (the refresh trigger), and may put events only there', () => {
    const [, invokeConfig] = onlyResource(stack(), 'aws_lambda_function_event_invoke_config');
    const bus = `arn:aws:events:${config.region}:${ACCOUNT_ID}:event-bus/default`;
    expect(invokeConfig).toMatchObject({ destination_config: { on_success: { destination: bus } } });
    const put = statementsOf(etlPolicy()).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('events:')),
    );
    expect(put).toEqual([
      { Sid: 'AnnounceSuccess', Effect: 'Allow', Action: 'events:PutEvents', Resource: bus },
    ]);
  });

  it('is triggered by ObjectCreated and ObjectRemoved on raw/store_sales/*.{json,jsonl,ndjson} of the raw bucket only', () => {
    const [, notification] = onlyResource(stack(), 'aws_s3_bucket_notification');
    const [fnName] = fn();
    expect(notification.bucket).toBe(ref('aws_s3_bucket', bucketNamed(stack(), 'raw'), 'id'));
    // Written out, not derived: the same suffixes the ETL accepts as raw sources.
    expect(notification.lambda_function).toEqual(
      ['.json', '.jsonl', '.ndjson'].map((suffix) => ({
        lambda_function_arn: ref('aws_lambda_function', fnName, 'arn'),
        events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
        filter_prefix: 'raw/store_sales/',
        filter_suffix: suffix,
      })),
    );
    const [permissionName, permission] = onlyResource(stack(), 'aws_lambda_permission');
    expect(permission).toMatchObject({
      principal: 's3.amazonaws.com',
      action: 'lambda:InvokeFunction',
      source_arn: ref('aws_s3_bucket', bucketNamed(stack(), 'raw'), 'arn'),
      source_account: ACCOUNT_ID,
    });
    expect(notification.depends_on).toContain(`aws_lambda_permission.${permissionName}`);
  });

  function etlPolicy(): unknown {
    const policies = Object.values(stack().resource.aws_iam_role_policy ?? {});
    return policies.find((p) => p.name === 'etl-least-privilege')?.policy;
  }
});
