import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BatchCreatePartitionCommand,
  CreateCrawlerCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  ListCrawlsCommand,
  StartCrawlerCommand,
} from '@aws-sdk/client-glue';
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../tools/aws/clients.js';
import { resolveAwsConfig } from '../../tools/aws/config.js';
import { crawlAws } from '../../tools/aws/crawl-aws.js';
import { runCrawler } from '../../tools/aws/glue-crawler.js';
import { jsonBody, utf8 } from './support/fault-proxy.js';
import { REGION } from './support/moto-server.js';
import { STACK, useTestbed } from './support/testbed.js';

const bed = useTestbed();
const FAST = { initialDelayMs: 50, maxDelayMs: 200 };
const PROJECTED_DB = 'store_sales_projected';
/** Generous: the crawl's end is driven by looks, not time; this only bounds a broken run. */
const WAIT = { timeoutMs: 60_000, ...FAST };

/**
 * Ends the running crawl just before the crawler's `look`-th GetCrawler: moto's crawl moves on
 * only when ListCrawls advances it (manual progression), which this sends at that moment. The
 * tool sees RUNNING on the looks before and READY then, on a slow machine as on a fast one.
 */
async function finishCrawlOnLook(look: number): Promise<void> {
  await bed.moto.setTransition('glue::crawl', { progression: 'manual', times: 1 });
  let looks = 0;
  bed.proxy.use(async (call, next) => {
    if (call.target === 'AWSGlue.GetCrawler' && ++looks === look)
      await bed.clients.glue.send(new ListCrawlsCommand({ CrawlerName: STACK.crawler }));
    return next(call);
  });
}

async function createFactTables(database: string, projected: boolean): Promise<void> {
  const glue = bed.clients.glue;
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
  for (const table of ['fact_orders', 'fact_order_items']) {
    await glue.send(
      new CreateTableCommand({
        DatabaseName: database,
        TableInput: {
          Name: table,
          Parameters: projected ? { 'projection.enabled': 'true' } : { classification: 'parquet' },
          PartitionKeys: [
            { Name: 'order_year', Type: 'string' },
            { Name: 'order_month', Type: 'string' },
          ],
          StorageDescriptor: {
            Location: `s3://${STACK.processedBucket}/processed/store_sales/${table}/`,
            Columns: [{ Name: 'order_id', Type: 'string' }],
          },
        },
      }),
    );
    if (projected) continue;
    await glue.send(
      new BatchCreatePartitionCommand({
        DatabaseName: database,
        TableName: table,
        PartitionInputList: ['02', '01'].map((m) => ({ Values: ['2025', m] })),
      }),
    );
  }
}

beforeAll(async () => {
  // moto's crawler registers nothing itself: the tables are what a real crawl of the lake would leave.
  await createFactTables(STACK.database, false);
  await createFactTables(PROJECTED_DB, true);
  await bed.clients.glue.send(
    new CreateCrawlerCommand({
      Name: STACK.crawler,
      Role: 'arn:aws:iam::123456789012:role/store-sales-test-crawler',
      DatabaseName: STACK.database,
      Targets: { S3Targets: [{ Path: `s3://${STACK.processedBucket}/processed/store_sales/fact_orders/` }] },
    }),
  );
});

describe('Glue crawler lifecycle (moto)', () => {
  it('starts the crawler, waits until it is READY again, then reports tables and partitions', async () => {
    await finishCrawlOnLook(3);
    const states: string[] = [];

    const result = await crawlAws(bed.config, bed.clients, {
      ...WAIT,
      onState: (s) => states.push(s),
    });

    expect(result.crawl).toMatchObject({ crawler: STACK.crawler, joined: false, status: 'COMPLETED' });
    expect(states).toEqual(['RUNNING', 'READY']);
    expect(result.catalog.tables).toEqual([
      expect.objectContaining({ name: 'fact_orders', partitions: ['2025-01', '2025-02'], projected: false }),
      expect.objectContaining({
        name: 'fact_order_items',
        partitions: ['2025-01', '2025-02'],
        projected: false,
      }),
    ]);
  });

  it('joins a crawl that is already running instead of starting another', async () => {
    await bed.moto.setTransition('glue::crawl', { progression: 'manual', times: 1 });
    await bed.clients.glue.send(new StartCrawlerCommand({ Name: STACK.crawler }));
    bed.proxy.reset();
    await finishCrawlOnLook(3);

    const run = await runCrawler(bed.clients.glue, STACK.crawler, WAIT);

    expect(run.joined).toBe(true);
    expect(bed.proxy.callsTo('AWSGlue.StartCrawler')).toHaveLength(0);
  });

  it('joins when the crawl started between its look and its StartCrawler (CrawlerRunningException)', async () => {
    await bed.moto.setTransition('glue::crawl', { progression: 'manual', times: 1 });
    await bed.clients.glue.send(new StartCrawlerCommand({ Name: STACK.crawler }));
    bed.proxy.reset();
    let looks = 0;
    bed.proxy.use(async (call, next) => {
      const res = await next(call);
      if (call.target !== 'AWSGlue.GetCrawler' || looks++ > 0) return res;
      const body = JSON.parse(utf8(res.body));
      body.Crawler.State = 'READY';
      return { ...res, body: jsonBody(body) };
    });
    await finishCrawlOnLook(3);

    const run = await runCrawler(bed.clients.glue, STACK.crawler, WAIT);

    expect(run.joined).toBe(true);
    expect(bed.proxy.callsTo('AWSGlue.StartCrawler')).toHaveLength(1);
  });

  it('stops waiting at the timeout and says how to wait for the crawl that keeps running', async () => {
    await bed.moto.setTransition('glue::crawl', { progression: 'manual', times: 1_000_000 });

    const error = await crawlAws(bed.config, bed.clients, { timeoutMs: 300, ...FAST }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({
      code: 'CRAWL_TIMEOUT',
      message: expect.stringMatching(/did not finish within 0\.3 s \(last state RUNNING\)/),
      hint: expect.stringMatching(/run `npx ops crawl --target aws` again/),
    });
  });

  it('crawls nothing when the stack projects partitions (empty crawler output)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aws-outputs-'));
    const file = path.join(dir, 'outputs.json');
    await writeFile(
      file,
      JSON.stringify({
        'store-sales-prod': { region: REGION, glue_database: PROJECTED_DB, glue_crawler_name: '' },
      }),
    );
    const config = await resolveAwsConfig({
      flags: { 'endpoint-url': bed.proxy.url },
      env: {},
      outputsFile: file,
    });
    const clients = new AwsClients(config);

    const result = await crawlAws(config, clients, { timeoutMs: 1000 });
    clients.destroy();
    await rm(dir, { recursive: true, force: true });

    expect(result.crawl).toBeUndefined();
    expect(bed.proxy.callsTo('AWSGlue.GetCrawler')).toHaveLength(0);
    expect(result.catalog.tables.map((t) => [t.name, t.projected])).toEqual([
      ['fact_orders', true],
      ['fact_order_items', true],
    ]);
  });
  it("projection mode from the refresh runner's environment: an empty STORE_SALES_GLUE_CRAWLER, no outputs file", async () => {
    const config = await resolveAwsConfig({
      flags: { 'endpoint-url': bed.proxy.url },
      env: { AWS_REGION: REGION, STORE_SALES_GLUE_DATABASE: PROJECTED_DB, STORE_SALES_GLUE_CRAWLER: '' },
      outputsFile: undefined,
    });
    const clients = new AwsClients(config);
    const before = bed.proxy.callsTo('AWSGlue.GetCrawler').length;
    const result = await crawlAws(config, clients, { timeoutMs: 1000 });
    clients.destroy();

    expect(result.crawl).toBeUndefined();
    expect(bed.proxy.callsTo('AWSGlue.GetCrawler')).toHaveLength(before);
    expect(result.catalog.tables.map((t) => t.projected)).toEqual([true, true]);
  });

  it('an empty --crawler flag is not a value: the crawler still comes from the environment', async () => {
    const config = await resolveAwsConfig({
      flags: { crawler: '' },
      env: { STORE_SALES_GLUE_CRAWLER: 'c1' },
    });
    expect(config.get('crawler')).toBe('c1');
    const unset = await resolveAwsConfig({ flags: {}, env: { STORE_SALES_RAW_BUCKET: '' } });
    expect(unset.get('rawBucket')).toBeUndefined();
  });
});
