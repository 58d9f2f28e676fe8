import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeS3Key } from '../../lambda/s3-event-handler.js';
import { ATHENA_RESULTS_PREFIX as STACK_RESULTS_PREFIX } from '../../stacks/data-lake.js';
import { ATHENA_RESULTS_PREFIX, resolveAwsConfig } from '../../tools/aws/config.js';
import { athenaDbtEnv, fillEnv } from '../../tools/aws/dbt-env.js';
import { encodeS3EventKey, s3PutEvent } from '../../tools/aws/s3-event.js';
import { awsTarget } from '../../tools/targets/aws.js';
import type { TargetArgs } from '../../tools/targets/target.js';

let dir: string;
const file = (name: string, content: unknown) => {
  const p = path.join(dir, name);
  return writeFile(p, JSON.stringify(content)).then(() => p);
};
const DEV = {
  region: 'eu-west-1',
  raw_bucket: 'store-sales-dev-raw-1-eu-west-1',
  glue_database: 'store_sales_dev',
  athena_workgroup: 'store-sales-dev-analytics',
  athena_output_location: 's3://store-sales-dev-athena-results-1-eu-west-1/query-results/',
  glue_crawler_name: 'store-sales-dev-facts-crawler',
  dbt_s3_data_dir: 's3://store-sales-dev-processed-1-eu-west-1/dbt/',
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aws-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('AWS configuration from the stack outputs, env and flags', () => {
  it('reads the shapes Terraform and cdktf write: per stack, flat, and `terraform output -json`', async () => {
    const nested = await file('nested.json', {
      'store-sales-dev': DEV,
      'store-sales-prod': { ...DEV, region: 'us-east-1' },
    });
    const flat = await file('flat.json', DEV);
    const tf = await file('tf.json', { region: { value: 'eu-west-1', type: 'string', sensitive: false } });

    const picked = await resolveAwsConfig({
      flags: {},
      env: {},
      outputsFile: nested,
      stack: 'store-sales-prod',
    });
    const fromFlat = await resolveAwsConfig({ flags: {}, env: {}, outputsFile: flat });
    const fromTf = await resolveAwsConfig({ flags: {}, env: {}, outputsFile: tf });

    expect(picked.require('region')).toBe('us-east-1');
    expect(picked.origin('region')).toBe('output region');
    expect(fromFlat.require('rawBucket')).toBe(DEV.raw_bucket);
    expect(fromTf.require('region')).toBe('eu-west-1');
  });

  it('lets env override the file and flags override both', async () => {
    const flat = await file('flat.json', DEV);
    const env = {
      STORE_SALES_GLUE_DATABASE: 'from_env',
      STORE_SALES_ATHENA_WORKGROUP: 'wg-env',
      AWS_REGION: 'eu-central-1',
    };

    const config = await resolveAwsConfig({ flags: { workgroup: 'wg-flag' }, env, outputsFile: flat });

    expect(config.require('database')).toBe('from_env');
    expect(config.require('workgroup')).toBe('wg-flag');
    expect(config.origin('workgroup')).toBe('--workgroup');
    expect(config.require('region')).toBe('eu-central-1');
  });

  it('names the flag, env var and Terraform output of a missing value', async () => {
    const flat = await file('flat.json', { region: 'eu-west-1' });
    const config = await resolveAwsConfig({ flags: {}, env: {}, outputsFile: flat });

    expect(() => config.require('etlFunction')).toThrow(
      expect.objectContaining({
        code: 'AWS_CONFIG_MISSING',
        message: '--target aws needs the ETL Lambda function',
        hint: expect.stringMatching(/--function, set STORE_SALES_ETL_FUNCTION, .*output "etl_function_name"/),
      }),
    );
  });

  it('asks which stack only when a value must come from a file that holds several', async () => {
    const nested = await file('two.json', { 'store-sales-dev': DEV, 'store-sales-prod': DEV });

    const config = await resolveAwsConfig({ flags: { region: 'eu-west-1' }, env: {}, outputsFile: nested });

    expect(config.require('region')).toBe('eu-west-1');
    expect(() => config.require('database')).toThrow(expect.objectContaining({ code: 'AWS_OUTPUTS_STACK' }));
  });

  it('says to apply the stack first when its outputs file is empty (terraform output before apply)', async () => {
    const empty = await file('empty.json', {});

    const config = await resolveAwsConfig({ flags: {}, env: {}, outputsFile: empty });

    expect(() => config.require('database')).toThrow(
      expect.objectContaining({
        code: 'AWS_OUTPUTS_EMPTY',
        hint: expect.stringMatching(/^deploy the stack/),
      }),
    );
  });

  it('fails on an outputs file that was named but does not exist', async () => {
    await expect(
      resolveAwsConfig({ flags: {}, env: { STORE_SALES_OUTPUTS_FILE: path.join(dir, 'missing.json') } }),
    ).rejects.toMatchObject({
      code: 'AWS_OUTPUTS_UNREADABLE',
      // the hint writes the file that was named, not the default
      hint: expect.stringContaining(`output -json > ${path.join(dir, 'missing.json')}`),
    });
  });

  it("uses the stack's Athena result location unless the results bucket is overridden", async () => {
    const flat = await file('flat.json', DEV);

    const stack = await resolveAwsConfig({ flags: {}, env: {}, outputsFile: flat });
    const overridden = await resolveAwsConfig({
      flags: { 'results-bucket': 'mine' },
      env: {},
      outputsFile: flat,
    });

    expect(stack.athenaOutputLocation()).toBe(DEV.athena_output_location);
    expect(overridden.athenaOutputLocation()).toBe('s3://mine/query-results/');
    expect(ATHENA_RESULTS_PREFIX).toBe(STACK_RESULTS_PREFIX);
  });

  it('gives dbt-athena its environment without overriding variables already set', async () => {
    const flat = await file('flat.json', DEV);
    const config = await resolveAwsConfig({
      flags: { 'endpoint-url': 'http://127.0.0.1:5000' },
      env: {},
      outputsFile: flat,
    });
    const env: NodeJS.ProcessEnv = { ATHENA_SCHEMA: 'my_dev_schema' };

    const set = fillEnv(env, athenaDbtEnv(config));

    expect(env).toEqual({
      ATHENA_REGION: 'eu-west-1',
      ATHENA_S3_STAGING_DIR: DEV.athena_output_location,
      ATHENA_SCHEMA: 'my_dev_schema',
      ATHENA_WORKGROUP: DEV.athena_workgroup,
      STORE_SALES_GLUE_DATABASE: DEV.glue_database,
      ATHENA_S3_DATA_DIR: DEV.dbt_s3_data_dir,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    });
    expect(set).not.toContain('ATHENA_SCHEMA');
  });

  it("describes a build by the region and schema dbt builds in: another stack's results are not this export's", async () => {
    const nested = await file('stacks.json', {
      'store-sales-dev': DEV,
      'store-sales-prod': { ...DEV, region: 'us-east-1', glue_database: 'store_sales_prod' },
      // neither workgroup nor result location: dbt could not run, a build can still be named
      'store-sales-bare': { region: 'eu-west-2', glue_database: 'store_sales_bare' },
    });
    const describe = (stack: string) =>
      awsTarget.dbt.describe({ target: 'aws', lake: dir, 'outputs-file': nested, stack } as TargetArgs);

    // what a developer's shell may export is cleared, then set: exported by hand, it wins
    const saved = { ATHENA_REGION: process.env.ATHENA_REGION, ATHENA_SCHEMA: process.env.ATHENA_SCHEMA };
    delete process.env.ATHENA_REGION;
    delete process.env.ATHENA_SCHEMA;
    try {
      expect(await describe('store-sales-dev')).toBe('athena eu-west-1 store_sales_dev (dbt-athena)');
      expect(await describe('store-sales-prod')).toBe('athena us-east-1 store_sales_prod (dbt-athena)');
      expect(await describe('store-sales-bare')).toBe('athena eu-west-2 store_sales_bare (dbt-athena)');
      // a personal schema is where dbt builds, so it is a build of its own
      process.env.ATHENA_SCHEMA = 'my_dev_schema';
      expect(await describe('store-sales-dev')).toBe('athena eu-west-1 my_dev_schema (dbt-athena)');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('synthesized S3 events', () => {
  it('encode keys as S3 notifications do, and the handler decodes them back', () => {
    const event = s3PutEvent('raw-bucket', 'raw/store_sales/orders 2025 (01).json', 10, 'eu-west-1');

    expect(event.Records[0]?.s3.object.key).toBe('raw/store_sales/orders+2025+%2801%29.json');
    fc.assert(fc.property(fc.string(), (key) => decodeS3Key(encodeS3EventKey(key)) === key));
  });
});
