import { TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { STATE_BUCKET_ENV, STATE_REGION_ENV, stateBackendFromEnv } from '../../stacks/state-backend.js';
import { applyStateBackend } from '../../stacks/store-sales-stack.js';
import { synthOne } from './synth-fixture.js';

/** The `terraform` block of a bare stack after applying a backend choice. */
function terraformBlock(env: NodeJS.ProcessEnv): Record<string, unknown> {
  return (
    synthOne((app) => {
      const stack = new TerraformStack(app, 'store-sales-dev');
      applyStateBackend(stack, 'store-sales-dev', stateBackendFromEnv(env, 'eu-west-1'));
      return stack;
    }).terraform ?? {}
  );
}

describe('state backend', () => {
  it('keeps state local when no state bucket is configured', () => {
    expect(stateBackendFromEnv({}, 'eu-west-1')).toEqual({ kind: 'local' });
    // Explicit and relative: cdktf's own default is an absolute path on the synthesizing machine.
    expect(terraformBlock({}).backend).toEqual({
      local: { path: '../../../terraform.store-sales-dev.tfstate' },
    });
  });

  it('uses an encrypted S3 backend with S3-native locking when a state bucket is set', () => {
    const block = terraformBlock({ [STATE_BUCKET_ENV]: 'acme-tf-state' });
    expect(block.backend).toEqual({
      s3: {
        bucket: 'acme-tf-state',
        key: 'store-sales-dev/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it('takes the state bucket region from its own variable when given', () => {
    const block = terraformBlock({ [STATE_BUCKET_ENV]: 'acme-tf-state', [STATE_REGION_ENV]: 'us-east-2' });
    expect((block.backend as { s3: { region: string } }).s3.region).toBe('us-east-2');
  });
});
