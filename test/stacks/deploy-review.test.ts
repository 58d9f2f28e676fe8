import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION_ENV } from '../../stacks/app.js';
import { STAGES } from '../../stacks/config.js';
import { DBT_DATA_PREFIX } from '../../stacks/data-lake.js';
import { STATE_BUCKET_ENV, STATE_REGION_ENV } from '../../stacks/state-backend.js';
import { resolveAwsConfig } from '../../tools/aws/config.js';
import { athenaDbtEnv } from '../../tools/aws/dbt-env.js';
import {
  bucketNamed,
  onlyResource,
  ref,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthStacks,
  type TfJson,
} from './synth-fixture.js';

// The findings of the deploy review (issue 17), one test each, on the synthesized Terraform.
const root = path.resolve(import.meta.dirname, '..', '..');
let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

/** `${aws_athena_workgroup.<name>.name}` -> the workgroup resource body. */
function workgroupOf(stack: TfJson, outputName: string): Record<string, unknown> {
  const name = /^\$\{aws_athena_workgroup\.([^.]+)\.name\}$/.exec(
    String(stack.output[outputName]?.value),
  )?.[1];
  const wg = name && stack.resource.aws_athena_workgroup?.[name];
  if (!wg) throw new Error(`output ${outputName} names no workgroup`);
  return wg;
}

describe.each(['dev', 'prod'] as const)('deploy review findings (%s)', (stage) => {
  const stack = () => synth.stacks[stage];

  it('1. dbt runs in a workgroup that does not enforce its result location, so tables go to s3_data_dir', () => {
    const config = (wg: Record<string, unknown>) => wg.configuration as Record<string, unknown>;
    expect(config(workgroupOf(stack(), 'dbt_athena_workgroup')).enforce_workgroup_configuration).toBe(false);
    expect(config(workgroupOf(stack(), 'athena_workgroup')).enforce_workgroup_configuration).toBe(true);
    // The data dir is in the processed bucket, where no lifecycle rule expires current objects.
    const processed = bucketNamed(stack(), 'processed');
    expect(stack().output.dbt_s3_data_dir?.value).toBe(
      `s3://${ref('aws_s3_bucket', processed, 'bucket')}/${DBT_DATA_PREFIX}`,
    );
    const lifecycle = resourcesOf(stack(), 'aws_s3_bucket_lifecycle_configuration').find(
      ([, l]) => l.bucket === ref('aws_s3_bucket', processed, 'id'),
    )?.[1];
    const rules = lifecycle?.rule as { expiration?: { days?: number }[] }[];
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.flatMap((r) => r.expiration ?? []).filter((e) => e.days !== undefined)).toEqual([]);
  });

  it('2. reserves no Lambda concurrency unless the stage configures it', () => {
    expect(STAGES[stage].lambda.reservedConcurrency).toBeUndefined();
    expect(onlyResource(stack(), 'aws_lambda_function')[1]).not.toHaveProperty(
      'reserved_concurrent_executions',
    );
  });

  it('4. sets both Lambda log levels, so AWS fills in nothing that would diff on every plan', () => {
    expect(onlyResource(stack(), 'aws_lambda_function')[1].logging_config).toMatchObject({
      log_format: 'JSON',
      application_log_level: 'INFO',
      system_log_level: 'INFO',
    });
  });

  it('5. lets the ETL list the raw prefix (a deleted object is a 404, not a 403)', () => {
    const etl = resourcesOf(stack(), 'aws_iam_role_policy').find(([, p]) => p.name === 'etl-least-privilege');
    const raw = bucketNamed(stack(), 'raw');
    expect(statementsOf(etl?.[1].policy)).toContainEqual({
      Sid: 'ReadRawOrdersList',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: ref('aws_s3_bucket', raw, 'arn'),
      Condition: { StringLike: { 's3:prefix': ['raw/store_sales/*'] } },
    });
  });

  it('6. puts no aws:SourceAccount condition on the Glue trust (Glue does not document sending it)', () => {
    const trusts = resourcesOf(stack(), 'aws_iam_role').map(([, r]) => statementsOf(r.assume_role_policy)[0]);
    const glue = trusts.filter((t) => JSON.stringify(t?.Principal).includes('glue.amazonaws.com'));
    expect(glue.length).toBe(STAGES[stage].catalog.mode === 'crawler' ? 1 : 0);
    for (const t of glue) expect(t).not.toHaveProperty('Condition');
  });

  it('configures access logging only after the access-log bucket policy lets the logging service write', () => {
    const logBucket = bucketNamed(stack(), 'access-logs');
    const policy = resourcesOf(stack(), 'aws_s3_bucket_policy').find(
      ([, p]) => p.bucket === ref('aws_s3_bucket', logBucket, 'id'),
    )?.[0];
    const logging = resourcesOf(stack(), 'aws_s3_bucket_logging');
    expect(logging).toHaveLength(5);
    for (const [, l] of logging) expect(l.depends_on).toContain(`aws_s3_bucket_policy.${policy}`);
  });
});

describe('the dbt profile and the environment ops gives dbt', () => {
  it('1. reads s3_data_dir without falling back to the expiring staging dir, and uses the dbt workgroup', async () => {
    const profile = readFileSync(path.join(root, 'dbt/profiles.yml'), 'utf8');
    expect(profile).toMatch(/^\s+s3_data_dir: "\{\{ env_var\('ATHENA_S3_DATA_DIR'\) \}\}"$/m);
    expect(profile).toMatch(/^\s+work_group: "\{\{ env_var\('ATHENA_WORKGROUP'\) \}\}"$/m);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dbt-env-'));
    try {
      const outputs = Object.fromEntries(
        Object.entries(synth.stacks.dev.output).map(([name, o]) => [name, { value: String(o.value) }]),
      );
      const file = path.join(dir, 'outputs.json');
      await writeFile(file, JSON.stringify(outputs));
      const env = athenaDbtEnv(await resolveAwsConfig({ flags: {}, env: {}, outputsFile: file }));
      expect(env.ATHENA_WORKGROUP).toBe(outputs.dbt_athena_workgroup?.value);
      expect(env.ATHENA_S3_DATA_DIR).toBe(outputs.dbt_s3_data_dir?.value);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GitHub workflow', () => {
  it('3. passes every synth-time variable of the state backend and region to the infrastructure job', () => {
    const workflow = readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8');
    const job = workflow.slice(workflow.indexOf('\n  infrastructure:'));
    for (const name of [STATE_BUCKET_ENV, STATE_REGION_ENV, REGION_ENV]) {
      expect(job).toMatch(new RegExp(`^\\s+${name}: \\$\\{\\{ vars\\.\\w+ \\}\\}$`, 'm'));
    }
  });
});
