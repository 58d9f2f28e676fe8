import { afterAll, afterEach, beforeAll } from 'vitest';
import { AwsClients } from '../../../tools/aws/clients.js';
import { type AwsConfig, resolveAwsConfig } from '../../../tools/aws/config.js';
import type { AwsSession } from '../../../tools/aws/session.js';
import { FaultProxy } from './fault-proxy.js';
import { FAKE_AWS_ENV, type MotoServer, REAL_AWS_ENV, REGION, startMoto } from './moto-server.js';

/** Names of the stack's resources in the emulated account. */
export const STACK = {
  rawBucket: 'store-sales-test-raw',
  processedBucket: 'store-sales-test-processed',
  quarantineBucket: 'store-sales-test-quarantine',
  resultsBucket: 'store-sales-test-athena-results',
  analyticsBucket: 'store-sales-test-analytics',
  database: 'store_sales_test',
  workgroup: 'store-sales-test-analytics',
  crawler: 'store-sales-test-facts-crawler',
  etlFunction: 'store-sales-test-etl',
} as const;

/** The flags that point `--target aws` at the testbed (through the proxy). */
export function stackFlags(endpoint: string): Record<string, string> {
  return {
    'endpoint-url': endpoint,
    region: REGION,
    'raw-bucket': STACK.rawBucket,
    'processed-bucket': STACK.processedBucket,
    'quarantine-bucket': STACK.quarantineBucket,
    'results-bucket': STACK.resultsBucket,
    'analytics-bucket': STACK.analyticsBucket,
    database: STACK.database,
    workgroup: STACK.workgroup,
    crawler: STACK.crawler,
    function: STACK.etlFunction,
  };
}

export interface Testbed {
  moto: MotoServer;
  /** Loopback proxy in front of moto; clients talk to it, so hooks can inject faults. */
  proxy: FaultProxy;
  config: AwsConfig;
  clients: AwsClients;
  /** A session like a command's, with the given wait timeout. */
  session(timeoutMs?: number): AwsSession;
}

/**
 * One moto server (and proxy) for the calling test file: started before its tests, stopped after,
 * with fake credentials in the environment. Proxy hooks and moto transitions are reset after each
 * test. Each file has its own server, so files running in parallel never share moto state.
 */
export function useTestbed(): Testbed {
  const bed = {} as Testbed;
  beforeAll(async () => {
    for (const name of REAL_AWS_ENV) delete process.env[name];
    Object.assign(process.env, FAKE_AWS_ENV);
    bed.moto = await startMoto();
    bed.proxy = await FaultProxy.start(bed.moto.url);
    bed.config = await resolveAwsConfig({ flags: stackFlags(bed.proxy.url), env: {} });
    bed.clients = new AwsClients(bed.config);
    bed.session = (timeoutMs = 10_000) => ({ config: bed.config, clients: bed.clients, timeoutMs });
  });
  afterEach(async () => {
    bed.proxy.reset();
    await bed.moto.unsetTransition('athena::execution');
    await bed.moto.unsetTransition('glue::crawl');
  });
  afterAll(async () => {
    bed.clients?.destroy();
    await bed.proxy?.close();
    await bed.moto?.stop();
  });
  return bed;
}
