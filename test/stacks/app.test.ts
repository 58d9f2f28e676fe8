import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION_ENV } from '../../stacks/app.js';
import { STATE_BUCKET_ENV } from '../../stacks/state-backend.js';
import { onlyResource, resourcesOf, type Synthesized, statementsOf, synthStacks } from './synth-fixture.js';

let synth: Synthesized;
beforeAll(async () => {
  synth = await synthStacks({ [REGION_ENV]: 'us-east-2', [STATE_BUCKET_ENV]: 'acme-tf-state' });
});
afterAll(() => synth?.cleanup());

describe.each(['dev', 'prod'] as const)('synth environment (%s)', (stage) => {
  it('moves the whole stage to the region from STORE_SALES_AWS_REGION', () => {
    const stack = synth.stacks[stage];
    expect(stack.provider.aws?.[0]).toMatchObject({ region: 'us-east-2' });
    expect(stack.output.region?.value).toBe('us-east-2');
    for (const [, bucket] of resourcesOf(stack, 'aws_s3_bucket'))
      expect(bucket.bucket).toMatch(/-us-east-2$/);
    const [, key] = onlyResource(stack, 'aws_kms_key');
    expect(JSON.stringify(statementsOf(key.policy))).toContain('logs.us-east-2.amazonaws.com');
  });

  it('stores state in the S3 bucket from STORE_SALES_TF_STATE_BUCKET, one key per stack', () => {
    expect(synth.stacks[stage].terraform.backend).toEqual({
      s3: {
        bucket: 'acme-tf-state',
        key: `store-sales-${stage}/terraform.tfstate`,
        region: 'us-east-2',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });
});

describe('synth region', () => {
  it('refuses a region that is no AWS region name, or of another partition, before building anything', async () => {
    // its own temp folder: what a refused synth leaves is seen apart from other files' synths
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'synth-region-'));
    try {
      for (const region of ['bogus', 'EU-WEST-1', 'eu-west'])
        await expect(synthStacks({ [REGION_ENV]: region }, tmp)).rejects.toThrow(
          `region "${region}" (--region`,
        );
      for (const region of ['cn-north-1', 'us-gov-west-1', 'us-isob-east-1', 'eusc-de-east-1'])
        await expect(synthStacks({ [REGION_ENV]: region }, tmp)).rejects.toThrow('in another AWS partition');
      expect(await readdir(tmp)).toEqual([]); // nothing of a refused synth stays behind
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
