import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  asList,
  bucketNamed,
  type PolicyStatement,
  ref,
  resourcesOf,
  type Synthesized,
  statementsOf,
  synthStacks,
  type TfJson,
} from './synth-fixture.js';

/** Actions AWS offers no resource-level permission for: "*" is their narrowest resource. */
const NO_RESOURCE_LEVEL = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks();
});
afterAll(() => synth?.cleanup());

/** Every identity-policy statement of every role in a stack, tagged with its policy name. */
const roleStatements = (stack: TfJson): [string, PolicyStatement][] =>
  resourcesOf(stack, 'aws_iam_role_policy').flatMap(([, p]) =>
    statementsOf(p.policy).map((s): [string, PolicyStatement] => [String(p.name), s]),
  );

const policyNamed = (stack: TfJson, name: string): PolicyStatement[] =>
  statementsOf(resourcesOf(stack, 'aws_iam_role_policy').find(([, p]) => p.name === name)?.[1].policy);

describe.each(['dev', 'prod'] as const)('IAM (%s)', (stage) => {
  const stack = () => synth.stacks[stage];

  it('has no statement with a wildcard action', () => {
    for (const [policy, s] of roleStatements(stack())) {
      for (const action of asList(s.Action)) {
        expect(action, `${policy}/${s.Sid}`).not.toBe('*');
        expect(action, `${policy}/${s.Sid}`).not.toMatch(/:\*$/);
      }
    }
  });

  it('uses resource "*" only for actions that have no resource-level permissions', () => {
    for (const [policy, s] of roleStatements(stack())) {
      if (!asList(s.Resource).includes('*')) continue;
      for (const action of asList(s.Action))
        expect(NO_RESOURCE_LEVEL, `${policy}/${s.Sid}`).toContain(action);
    }
  });

  it('grants only Allow statements (no NotAction / NotResource tricks)', () => {
    for (const [, s] of roleStatements(stack())) {
      expect(s.Effect).toBe('Allow');
      expect(Object.keys(s).sort()).toEqual(expect.arrayContaining(['Action', 'Effect', 'Resource', 'Sid']));
      expect(s).not.toHaveProperty('NotAction');
      expect(s).not.toHaveProperty('NotResource');
    }
  });

  it('lets the ETL read the raw prefix, the FX reference and loaded order ids, write processed and quarantine (and read back its quarantine), keep its source ledger and leases, and nothing else in S3', () => {
    const s3 = policyNamed(stack(), 'etl-least-privilege').filter((s) =>
      asList(s.Action).some((a) => a.startsWith('s3:')),
    );
    const arn = (role: string) => ref('aws_s3_bucket', bucketNamed(stack(), role), 'arn');
    const write = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'];
    expect(s3.map((s) => [asList(s.Action).sort(), s.Resource, s.Condition])).toEqual([
      [['s3:GetObject', 's3:GetObjectVersion'], `${arn('raw')}/raw/store_sales/*`, undefined],
      [['s3:ListBucket'], arn('raw'), { StringLike: { 's3:prefix': ['raw/store_sales/*'] } }],
      // The user's FX rates (reference/fx_rates.csv), beside the raw orders.
      [['s3:GetObject'], `${arn('raw')}/reference/*`, undefined],
      [['s3:ListBucket'], arn('raw'), { StringLike: { 's3:prefix': ['reference/*'] } }],
      [write, `${arn('processed')}/processed/store_sales/*`, undefined],
      [['s3:ListBucket'], arn('processed'), { StringLike: { 's3:prefix': ['processed/store_sales/*'] } }],
      [['s3:GetObject'], `${arn('processed')}/processed/store_sales/fact_orders/*`, undefined],
      [write, `${arn('quarantine')}/quarantine/store_sales/*`, undefined],
      // read back: a refused re-upload keeps the records of the version whose facts stay
      [['s3:GetObject'], `${arn('quarantine')}/quarantine/store_sales/*`, undefined],
      [['s3:ListBucket'], arn('quarantine'), { StringLike: { 's3:prefix': ['quarantine/store_sales/*'] } }],
      [['s3:GetObject'], `${arn('processed')}/state/sources/*`, undefined],
      [['s3:ListBucket'], arn('processed'), { StringLike: { 's3:prefix': ['state/sources/*'] } }],
      [write, `${arn('processed')}/state/sources/*`, undefined],
      // its per-source leases (one run of a raw key at a time)
      [['s3:GetObject'], `${arn('processed')}/state/leases/*`, undefined],
      [['s3:ListBucket'], arn('processed'), { StringLike: { 's3:prefix': ['state/leases/*'] } }],
      [write, `${arn('processed')}/state/leases/*`, undefined],
    ]);
  });

  it('lets the ETL use the stage key only through S3 and SQS', () => {
    const kms = policyNamed(stack(), 'etl-least-privilege').filter((s) =>
      asList(s.Action).some((a) => a.startsWith('kms:')),
    );
    expect(kms).toHaveLength(1);
    expect(kms[0]?.Resource).toMatch(/^\$\{aws_kms_key\.[^}]+\.arn\}$/);
    expect(kms[0]?.Condition?.StringEquals?.['kms:ViaService']).toEqual([
      's3.eu-west-1.amazonaws.com',
      'sqs.eu-west-1.amazonaws.com',
    ]);
  });

  it('lets the ETL write only to its own log group', () => {
    const logs = policyNamed(stack(), 'etl-least-privilege').filter((s) =>
      asList(s.Action).some((a) => a.startsWith('logs:')),
    );
    const [logGroup] = resourcesOf(stack(), 'aws_cloudwatch_log_group')[0]!;
    expect(logs).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${ref('aws_cloudwatch_log_group', logGroup, 'arn')}:*`,
      }),
    ]);
  });

  it('lets each role be assumed only by its service; all but Glue only on behalf of this account', () => {
    for (const [, role] of resourcesOf(stack(), 'aws_iam_role')) {
      const [trust, ...rest] = statementsOf(role.assume_role_policy);
      expect(rest).toEqual([]);
      expect(trust).toMatchObject({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: {
          Service: expect.stringMatching(/^(lambda|glue|codebuild|scheduler|events)\.amazonaws\.com$/),
        },
      });
      // Glue does not document sending aws:SourceAccount when a crawler assumes its role.
      const glue = JSON.stringify(trust?.Principal).includes('glue');
      expect(trust?.Condition).toEqual(
        glue ? undefined : { StringEquals: { 'aws:SourceAccount': ACCOUNT_ID } },
      );
    }
  });

  it('attaches no AWS managed policy (every grant is written out and scoped)', () => {
    expect(resourcesOf(stack(), 'aws_iam_role_policy_attachment')).toEqual([]);
    expect(resourcesOf(stack(), 'aws_iam_policy')).toEqual([]);
  });
});

describe('crawler role (dev, crawler mode)', () => {
  it('reads only the processed prefix and maintains only its own database', () => {
    const statements = policyNamed(synth.stacks.dev, 'crawler-least-privilege');
    const processed = ref('aws_s3_bucket', bucketNamed(synth.stacks.dev, 'processed'), 'arn');
    expect(statements.find((s) => s.Action === 's3:GetObject')?.Resource).toBe(
      `${processed}/processed/store_sales/*`,
    );
    expect(statements.find((s) => s.Action === 's3:ListBucket')).toMatchObject({
      Resource: processed,
      Condition: { StringLike: { 's3:prefix': ['processed/store_sales/*'] } },
    });
    const glue = statements.find((s) => asList(s.Action).some((a) => a.startsWith('glue:')));
    expect(asList(glue?.Action).filter((a) => a.startsWith('glue:Delete'))).toEqual([]);
    for (const arn of asList(glue?.Resource)) {
      expect(arn).toMatch(/^arn:aws:glue:eu-west-1:\$\{data\.aws_caller_identity\.account\.account_id\}:/);
    }
  });
});
