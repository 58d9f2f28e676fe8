import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingFor } from '../../tools/exports/publish-local.js';
import { awsTarget } from '../../tools/targets/aws.js';
import type { TargetArgs } from '../../tools/targets/target.js';
import { createBuckets, listKeys } from './support/buckets.js';
import { failFirst, type ProxiedCall } from './support/fault-proxy.js';
import { STACK, stackFlags, useTestbed } from './support/testbed.js';

const bed = useTestbed();
let lake: string;
let args: TargetArgs;
/** A bucket nothing is ever published to: the tests of a missing dashboard do not depend on order. */
const EMPTY_BUCKET = `${STACK.analyticsBucket}-empty`;
let emptyArgs: TargetArgs;

/** Stages one run's results as `ops refresh` builds them: CSVs and the dashboard's three files. */
async function stage(runId: string, marker: string) {
  const staged = stagingFor(lake, runId);
  await mkdir(staged.csvDir, { recursive: true });
  await mkdir(staged.dashboardDir, { recursive: true });
  await writeFile(path.join(staged.csvDir, 'monthly_revenue.csv'), `month,revenue_usd\n${marker}\n`);
  await writeFile(path.join(staged.dashboardDir, 'index.html'), `<html>${marker}</html>`);
  await writeFile(path.join(staged.dashboardDir, 'dashboard.pdf'), `%PDF ${marker}`);
  await writeFile(path.join(staged.dashboardDir, 'dashboard.png'), `PNG ${marker}`);
  return staged;
}

const body = async (key: string) =>
  (
    await bed.clients.s3.send(new GetObjectCommand({ Bucket: STACK.analyticsBucket, Key: key }))
  ).Body?.transformToString();

beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'publish-aws-'));
  args = { target: 'aws', lake, ...stackFlags(bed.proxy.url) } as TargetArgs;
  emptyArgs = { ...args, 'analytics-bucket': EMPTY_BUCKET } as TargetArgs;
  await createBuckets(bed.clients.s3, [STACK.analyticsBucket, EMPTY_BUCKET]);
});
afterAll(() => rm(lake, { recursive: true, force: true }));

describe('publishing a refresh to the analytics bucket (moto S3)', () => {
  it('gives no link before a refresh has published a dashboard: NO_DASHBOARD', async () => {
    const error = await awsTarget.dashboardLink(emptyArgs, 600).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'NO_DASHBOARD',
      message: `no dashboard at s3://${EMPTY_BUCKET}/reports/latest/index.html`,
      hint: expect.stringMatching(/`npx ops refresh --target aws`/),
    });
  });

  it('says the dashboard may be missing or unreadable when S3 answers 403 (a caller that may not list the bucket)', async () => {
    const head = (c: ProxiedCall) => c.method === 'HEAD' && c.path.includes('/reports/latest/index.html');
    bed.proxy.use(failFirst(head, 1, { status: 403, headers: {}, body: '' }));

    const error = await awsTarget.dashboardLink(emptyArgs, 600).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'NO_DASHBOARD',
      message: expect.stringContaining('(S3 answered 403: missing, or not readable by them)'),
    });
  });

  it('puts the CSVs under analytics_outputs/ and the dashboard under reports/latest/ and reports/<run>/', async () => {
    const report = await awsTarget.publish(
      args,
      await stage('2026-12-01T060000Z', 'first'),
      '2026-12-01T060000Z',
    );
    await awsTarget.publish(args, await stage('2026-12-02T060000Z', 'second'), '2026-12-02T060000Z');

    const keys = (await listKeys(bed.clients.s3, STACK.analyticsBucket, '')).map((k) => k.key);
    const dashboard = ['dashboard.pdf', 'dashboard.png', 'index.html'];
    expect(keys).toEqual([
      'analytics_outputs/monthly_revenue.csv',
      ...dashboard.map((f) => `reports/2026-12-01T060000Z/${f}`),
      ...dashboard.map((f) => `reports/2026-12-02T060000Z/${f}`),
      ...dashboard.map((f) => `reports/latest/${f}`),
    ]);
    expect(await body('analytics_outputs/monthly_revenue.csv')).toBe('month,revenue_usd\nsecond\n');
    expect(await body('reports/latest/index.html')).toBe('<html>second</html>');
    expect(await body('reports/2026-12-01T060000Z/index.html')).toBe('<html>first</html>');
    expect(report.line).toContain(`s3://${STACK.analyticsBucket}/reports/latest/`);
    const head = await bed.clients.s3.send(
      new GetObjectCommand({ Bucket: STACK.analyticsBucket, Key: 'reports/latest/index.html' }),
    );
    expect(head.ContentType).toBe('text/html; charset=utf-8');
  });

  it('prints a presigned URL that opens the latest dashboard without credentials', async () => {
    await awsTarget.publish(args, await stage('2026-12-03T060000Z', 'third'), '2026-12-03T060000Z');
    const url = new URL(await awsTarget.dashboardLink(args, 600));

    expect(url.pathname).toBe(`/${STACK.analyticsBucket}/reports/latest/index.html`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<html>third</html>');
  });

  it('fails with the missing setting named when the stack has no analytics bucket', async () => {
    const { 'analytics-bucket': _, ...flags } = stackFlags(bed.proxy.url);
    const error = await awsTarget
      .publish({ target: 'aws', lake, ...flags } as TargetArgs, await stage('x', 'x'), 'x')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_CONFIG_MISSING' });
  });
});
