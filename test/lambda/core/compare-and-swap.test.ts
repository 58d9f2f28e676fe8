import { afterAll, beforeAll, describe } from 'vitest';
import { compareAndSwapContract } from '../../support/compare-and-swap-contract.js';
import { tempLake } from '../support/orders.js';

// The compare-and-swap contract on a local lake folder; on S3 (moto) in test/aws/compare-and-swap.test.ts.
let lake: Awaited<ReturnType<typeof tempLake>>;
beforeAll(async () => {
  lake = await tempLake();
});
afterAll(() => lake.cleanup());

describe('compare-and-swap on a local lake', () => {
  compareAndSwapContract(() => lake.store);
});
