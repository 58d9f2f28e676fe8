import { beforeAll, describe } from 'vitest';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import { compareAndSwapContract } from '../support/compare-and-swap-contract.js';
import { createBuckets } from './support/buckets.js';
import { STACK, useTestbed } from './support/testbed.js';

// The compare-and-swap contract on S3 (moto: If-None-Match / If-Match as AWS implements them); on
// a local lake in test/lambda/core/compare-and-swap.test.ts.
const bed = useTestbed();
beforeAll(() => createBuckets(bed.clients.s3, [STACK.processedBucket]));

describe('compare-and-swap on S3 (moto)', () => {
  compareAndSwapContract(() => new S3ObjectStore(bed.clients.s3, STACK.processedBucket));
});
