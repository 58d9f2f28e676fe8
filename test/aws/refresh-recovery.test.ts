import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_LOCK_KEY, s3RefreshLock } from '../../tools/aws/refresh-lock.js';
import { REFRESH_STEPS, type RefreshSteps, runRefresh } from '../../tools/commands/refresh.js';
import { awsTarget } from '../../tools/targets/aws.js';
import { stubSteps } from '../support/stub-refresh-steps.js';
import { createBuckets } from './support/buckets.js';
import { ACCOUNT, REGION } from './support/moto-server.js';
import { STACK, stackFlags, useTestbed } from './support/testbed.js';

// A recovery build through the aws target, on moto: the lock the failed build left in S3 taken
// over at once. The steps only record that they ran (no Athena or dbt here).
const bed = useTestbed();
const PROJECT = 'store-sales-test-refresh';
let lake: string;
/** The failed build, as CodeBuild names it in the lock's holder (id) and in its event (ARN). */
const failed = {
  id: `${PROJECT}:0d9f6c1e-1111-4a4a-9c9c-000000000001`,
  arn: `arn:aws:codebuild:${REGION}:${ACCOUNT}:build/${PROJECT}:0d9f6c1e-1111-4a4a-9c9c-000000000001`,
};
/** The aws target without the facts look-up (no processed bucket here): one round. */
const target = { ...awsTarget, factsWrittenAt: undefined };

const lockOf = () => s3RefreshLock(bed.clients.s3, STACK.analyticsBucket);
const refresh = (steps: RefreshSteps) =>
  runRefresh({ target: 'aws', lake, ...stackFlags(bed.proxy.url) } as never, new Date(), {
    target,
    steps,
    build: `${PROJECT}:recovery`,
    recovers: failed.arn,
  });

beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'refresh-recovery-'));
  await createBuckets(bed.clients.s3, [STACK.analyticsBucket]);
});
afterEach(() =>
  bed.clients.s3.send(new DeleteObjectCommand({ Bucket: STACK.analyticsBucket, Key: REFRESH_LOCK_KEY })),
);
afterAll(() => rm(lake, { recursive: true, force: true }));

describe('a recovery build on the aws target (moto)', () => {
  it('takes over the lock the failed build left, refreshes and releases it', async () => {
    expect(await lockOf().acquire(`refresh 20261201T055000Z 1a2b3c4d (build ${failed.id})`)).toMatchObject({
      acquired: true,
    });
    const { ran, steps } = stubSteps();

    const r = await refresh(steps);

    expect(r).not.toHaveProperty('deferredTo');
    expect(ran).toEqual([...REFRESH_STEPS]);
    expect(await lockOf().isHeld()).toBe(false);
  });

  it('defers to a lock held by another build, which stays held', async () => {
    const other = `refresh 20261201T055000Z 5e6f7a8b (build ${PROJECT}:another)`;
    await lockOf().acquire(other);
    const { ran, steps } = stubSteps();

    const r = await refresh(steps);

    expect(r.deferredTo?.holder).toBe(other);
    expect(ran).toEqual([]);
    expect(await lockOf().acquire('someone else')).toMatchObject({ acquired: false, holder: other });
  });
});
