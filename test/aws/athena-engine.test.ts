import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateWorkGroupCommand, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { beforeAll, describe, expect, it } from 'vitest';
import { athenaEngineFor } from '../../tools/aws/athena-engine.js';
import { AthenaQueryError } from '../../tools/aws/athena-query.js';
import { AWS_MAX_ATTEMPTS } from '../../tools/aws/clients.js';
import { resolveAwsConfig } from '../../tools/aws/config.js';
import { WaitTimeoutError } from '../../tools/aws/poll.js';
import { explainAwsError } from '../../tools/aws/session.js';
import { createViews } from '../../tools/engines/create-views.js';
import { athenaFailing, athenaPaging, registerAthenaResults } from './support/athena-stubs.js';
import { failFirst } from './support/fault-proxy.js';
import { STACK, stackFlags, useTestbed } from './support/testbed.js';

const bed = useTestbed();
const FAST = { initialDelayMs: 20, maxDelayMs: 100 };
const engine = (
  opts: { timeoutMs?: number; pageSize?: number; onState?: (id: string, s: string) => void } = {},
) => athenaEngineFor(bed.config, bed.clients, { timeoutMs: 10_000, ...FAST, ...opts });

beforeAll(async () => {
  await bed.clients.athena.send(new CreateWorkGroupCommand({ Name: STACK.workgroup }));
});

describe('Athena query lifecycle (moto)', () => {
  it('waits through QUEUED and RUNNING with backoff, then returns rows typed like DuckDB', async () => {
    // moto advances an execution one state every second GetQueryExecution
    await bed.moto.setTransition('athena::execution', { progression: 'manual', times: 2 });
    await registerAthenaResults(bed.moto, [
      {
        columns: [
          { name: 'month', type: 'date' },
          { name: 'revenue_usd', type: 'decimal', precision: 18, scale: 2 },
          { name: 'orders', type: 'bigint' },
          { name: 'items', type: 'integer' },
          { name: 'mom_growth', type: 'decimal', precision: 18, scale: 6 },
        ],
        rows: [
          ['2025-01-01', '1200.50', '12', '30', null],
          ['2025-02-01', '1500.00', '15', '41', '0.249479'],
        ],
      },
    ]);
    const states: string[] = [];

    const rows = await engine({ onState: (_, s) => states.push(s) }).query('SELECT * FROM v_monthly_revenue');

    expect(states).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    expect(bed.proxy.callsTo('AmazonAthena.GetQueryExecution')).toHaveLength(4);
    expect(rows).toEqual([
      { month: '2025-01-01', revenue_usd: '1200.50', orders: '12', items: 30, mom_growth: null },
      { month: '2025-02-01', revenue_usd: '1500.00', orders: '15', items: 41, mom_growth: '0.249479' },
    ]);
  });

  it('follows NextToken through every page and drops the header row once', async () => {
    bed.proxy.use(athenaPaging);
    const data = Array.from({ length: 8 }, (_, i) => [`C${i}`, String(i)]);
    await registerAthenaResults(bed.moto, [
      {
        columns: [
          { name: 'customer_id', type: 'varchar' },
          { name: 'n', type: 'integer' },
        ],
        rows: data,
      },
    ]);

    const rows = await engine({ pageSize: 3 }).query('SELECT customer_id, n FROM t');

    expect(rows).toEqual(data.map(([c, n]) => ({ customer_id: c, n: Number(n) })));
    expect(bed.proxy.callsTo('AmazonAthena.GetQueryResults')).toHaveLength(3);
  });

  it("rejects a FAILED query with Athena's reason", async () => {
    bed.proxy.use(athenaFailing(/nope/, "line 1:15: Table 'store_sales_test.nope' does not exist"));

    const error = await engine()
      .exec('SELECT * FROM nope')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ state: 'FAILED', reason: expect.stringMatching(/nope' does not exist/) });
  });

  it('names the SQL file and statement when a view fails in create-views', async () => {
    const sqlDir = await mkdtemp(path.join(os.tmpdir(), 'aws-views-'));
    await writeFile(path.join(sqlDir, 'base_views.sql'), 'CREATE OR REPLACE VIEW v_a AS SELECT 1 AS x;\n');
    await writeFile(
      path.join(sqlDir, 'bi_views.sql'),
      '-- bi\nCREATE OR REPLACE VIEW v_b AS SELECT x FROM v_a;\n\nCREATE OR REPLACE VIEW v_c AS SELECT y FROM v_a;\n',
    );
    await writeFile(path.join(sqlDir, 'product_views.sql'), 'CREATE OR REPLACE VIEW v_d AS SELECT 2 AS x;\n');
    bed.proxy.use(athenaFailing(/v_c/, "line 1:38: Column 'y' cannot be resolved"));

    const error = await createViews(engine(), sqlDir).catch((e: unknown) => e);
    await rm(sqlDir, { recursive: true, force: true });

    expect(error).toMatchObject({
      code: 'VIEW_FAILED',
      message: expect.stringMatching(
        /^bi_views\.sql statement 2 \(v_c\), line 4: athena says: .*Column 'y' cannot be resolved/,
      ),
    });
    expect(bed.proxy.callsTo('AmazonAthena.StartQueryExecution')).toHaveLength(3);
  });

  it('names the SQL file and statement when Athena rejects a statement at submit (HTTP 400)', async () => {
    const sqlDir = await mkdtemp(path.join(os.tmpdir(), 'aws-views-'));
    for (const file of ['base_views.sql', 'bi_views.sql', 'product_views.sql'])
      await writeFile(
        path.join(sqlDir, file),
        `CREATE OR REPLACE VIEW v_${file.split('_')[0]} AS SELECT 1 AS x;\n`,
      );
    const rejected = (c: { target: string | undefined; body: string }) =>
      c.target === 'AmazonAthena.StartQueryExecution' && c.body.includes('v_bi ');
    bed.proxy.use(
      failFirst(rejected, 1, {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({
          __type: 'InvalidRequestException',
          Message: "line 1:27: mismatched input '-'",
        }),
      }),
    );

    const error = await createViews(engine(), sqlDir).catch((e: unknown) => e);
    await rm(sqlDir, { recursive: true, force: true });

    expect(error).toMatchObject({
      code: 'VIEW_FAILED',
      message: expect.stringMatching(
        /^bi_views\.sql statement 1 \(v_bi\), line 1: athena says: .*mismatched input/,
      ),
    });
  });

  it('reports a workgroup the stack lacks as AWS_NOT_FOUND naming the request, not as a failed view', async () => {
    const sqlDir = await mkdtemp(path.join(os.tmpdir(), 'aws-views-'));
    for (const file of ['base_views.sql', 'bi_views.sql', 'product_views.sql'])
      await writeFile(path.join(sqlDir, file), 'CREATE OR REPLACE VIEW v_a AS SELECT 1 AS x;\n');
    const config = await resolveAwsConfig({
      flags: { ...stackFlags(bed.proxy.url), workgroup: 'no-such-workgroup' },
      env: {},
    });

    const error = await createViews(
      athenaEngineFor(config, bed.clients, { timeoutMs: 10_000, ...FAST }),
      sqlDir,
    ).catch((e: unknown) => e);
    await rm(sqlDir, { recursive: true, force: true });

    expect(explainAwsError(error, config)).toMatchObject({
      code: 'AWS_NOT_FOUND',
      message: expect.stringMatching(/^StartQueryExecution no-such-workgroup: /),
      hint: expect.stringContaining('terraform output -json'),
    });
  });

  it('stops a query that does not finish within the timeout', async () => {
    await bed.moto.setTransition('athena::execution', { progression: 'manual', times: 1_000_000 });

    const error = await engine({ timeoutMs: 300 })
      .query('SELECT 1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastState).toBe('QUEUED');
    const [stop] = bed.proxy.callsTo('AmazonAthena.StopQueryExecution');
    const { QueryExecutionId } = JSON.parse(stop?.body ?? '{}');
    const after = await bed.clients.athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    expect(after.QueryExecution?.Status?.State).toBe('CANCELLED');
  });
});

describe('Athena client retries', () => {
  const throttled = {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
  };
  const isStart = (c: { target: string | undefined }) => c.target === 'AmazonAthena.StartQueryExecution';

  it('retries a throttled request and succeeds', async () => {
    bed.proxy.use(failFirst(isStart, 1, throttled));

    await engine().exec('CREATE OR REPLACE VIEW v AS SELECT 1 AS x');

    expect(bed.proxy.callsTo('AmazonAthena.StartQueryExecution')).toHaveLength(2);
  });

  it(`gives up after ${AWS_MAX_ATTEMPTS} attempts when the error persists`, async () => {
    bed.proxy.use(
      failFirst(isStart, 100, { ...throttled, status: 503, body: '{"__type":"ServiceUnavailable"}' }),
    );

    await expect(engine().exec('SELECT 1')).rejects.toThrow();

    expect(bed.proxy.callsTo('AmazonAthena.StartQueryExecution')).toHaveLength(AWS_MAX_ATTEMPTS);
  });
});
