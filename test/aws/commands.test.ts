import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsEtl } from '../../tools/aws/etl-aws.js';
import { generateDataset } from '../../tools/generator/index.js';
import { targetFor } from '../../tools/targets/registry.js';
import { athenaFailing } from './support/athena-stubs.js';
import { createBuckets, listKeys } from './support/buckets.js';
import { utf8 } from './support/fault-proxy.js';
import { ACCOUNT, REGION } from './support/moto-server.js';
import { STACK, stackFlags, useTestbed } from './support/testbed.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const bed = useTestbed();
let lake: string;
let generated: number;

/** Runs `ops` in a child process (asynchronously: the proxy lives in this process). */
function ops(args: string[]) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/ops.ts', ...args],
      { cwd: root },
      (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const aws = () => [
  '--target',
  'aws',
  ...Object.entries(stackFlags(bed.proxy.url)).flatMap(([k, v]) => [`--${k}`, v]),
];

beforeAll(async () => {
  await createBuckets(bed.clients.s3, [STACK.rawBucket, STACK.processedBucket, STACK.quarantineBucket]);
  await bed.clients.athena.send(new CreateWorkGroupCommand({ Name: STACK.workgroup }));
  lake = await mkdtemp(path.join(os.tmpdir(), 'aws-cli-'));
  const s = await generateDataset({
    lake,
    from: '2025-01',
    months: 2,
    ordersPerMonth: 150,
    seed: 5,
    force: false,
  });
  generated = s.orders;
});
afterAll(() => rm(lake, { recursive: true, force: true }));

describe('ops --target aws against moto', () => {
  it('uploads the raw files, then runs the ETL handler here against S3 (--local-compute)', async () => {
    const upload = await ops(['upload', '--lake', lake, ...aws()]);
    const etl = await ops(['etl', '--local-compute', ...aws()]);

    expect(upload.status, upload.stderr).toBe(0);
    expect(upload.stdout).toMatch(/upload: 2 file\(s\) uploaded, 0 unchanged/);
    // the Lambda runs in the background: the summary says what follows by itself, and how to wait
    expect(upload.stdout).toContain("each success starts the stack's refresh build");
    expect(upload.stdout).toContain('`npx ops etl --target aws` waits for those runs');
    expect(etl.status, etl.stderr).toBe(0);
    expect(etl.stdout).toMatch(/etl \(local compute\): 2 of 2 source\(s\) processed/);
    expect(Number(/read\s+([\d,]+)/.exec(etl.stdout)?.[1]?.replace(/,/g, ''))).toBe(generated);
    const parquet = await listKeys(bed.clients.s3, STACK.processedBucket, 'processed/store_sales/');
    expect(parquet.map((o) => o.key)).toEqual(
      ['fact_order_items', 'fact_orders'].flatMap((t) =>
        ['01', '02'].map(
          (m) => `processed/store_sales/${t}/order_year=2025/order_month=${m}/part-orders_2025_${m}.parquet`,
        ),
      ),
    );
  });

  it('exits 1 naming the SQL file, statement and Athena reason when a view fails', async () => {
    bed.proxy.use(athenaFailing(/./, 'SYNTAX_ERROR: line 1:1: mismatched input'));

    const result = await ops(['create-views', ...aws()]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /error \[VIEW_FAILED\]: base_views\.sql statement 1 .*athena says: query \S+ FAILED: SYNTAX_ERROR: line 1:1/,
    );
    expect(bed.proxy.callsTo('AmazonAthena.StartQueryExecution')).toHaveLength(1);
  });
});

describe('the aws branches in process (moto)', () => {
  it('invokes the deployed function with a synthesized S3 event and reports its result', async () => {
    // moto's Docker-free Lambda answers with a queued response instead of running the code.
    await bed.moto.api('/moto-api/config', { lambda: { use_docker: false } });
    const key = 'raw/store_sales/orders_2025_01.json';
    const result = { sourceKey: key, status: 'ok', read: 10, loaded: 9, quarantined: 1, files: ['a', 'b'] };
    const response = {
      results: [{ ...result, rows: { fact_orders: 9, fact_order_items: 20 } }],
      skipped: [],
    };
    await bed.moto.api('/moto-api/static/lambda-simple/response', {
      account_id: ACCOUNT,
      region: REGION,
      results: [JSON.stringify(response)],
    });

    const summary = await runAwsEtl({
      config: bed.config,
      clients: bed.clients,
      files: ['orders_2025_01.json'],
      localCompute: false,
    });

    expect(summary.ranOn).toBe(`lambda ${STACK.etlFunction}`);
    expect(summary.results).toEqual([{ key, ok: true, result: response.results[0] }]);
    const invokes = bed.proxy.calls.filter((c) =>
      c.path.includes(`/functions/${STACK.etlFunction}/invocations`),
    );
    expect(invokes).toHaveLength(1);
    const event = JSON.parse(utf8(invokes[0]!.body));
    expect(event.Records[0]).toMatchObject({
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: STACK.rawBucket }, object: { key } },
    });
  });

  it('counts a function answer that is no JSON (an emulator that cannot run the code) as a failed file', async () => {
    await bed.moto.api('/moto-api/static/lambda-simple/response', {
      account_id: ACCOUNT,
      region: REGION,
      results: ['error running docker: no such file'],
    });

    const summary = await runAwsEtl({
      config: bed.config,
      clients: bed.clients,
      files: ['orders_2025_01.json'],
      localCompute: false,
    });

    expect(summary.results).toEqual([
      {
        key: 'raw/store_sales/orders_2025_01.json',
        ok: false,
        error: `${STACK.etlFunction} answered no JSON: error running docker: no such file`,
      },
    ]);
  });

  it('names the flag, env var and output of a missing setting before any request', async () => {
    const outputs = path.join(lake, 'outputs.json');
    await writeFile(outputs, JSON.stringify({ 'store-sales-dev': { region: REGION } }));
    const args = { target: 'aws', lake, 'outputs-file': outputs, 'endpoint-url': bed.proxy.url, timeout: 10 };

    const error = await targetFor('aws')
      .crawl(args)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'AWS_CONFIG_MISSING',
      message: '--target aws needs the Glue database',
      hint: expect.stringMatching(/--database, set STORE_SALES_GLUE_DATABASE, .*"glue_database"/),
    });
    expect(bed.proxy.calls).toHaveLength(0);
  });
});
