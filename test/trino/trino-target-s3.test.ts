import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { ensureTrinoDist, TRINO_VERSION } from '../../tools/trino/dist.js';
import { stopDevServer } from '../../tools/trino/server-process.js';
import { FAKE_AWS_ENV, type MotoServer, REGION, startMoto } from '../aws/support/moto-server.js';
import { buildLake } from '../dbt/dbt-lake.js';
import { addMartsFromViews } from '../sql/fact-fixture.js';
import { type OpsRun, ops } from './support/ops-cli.js';

/**
 * `--target trino --lake-bucket` against moto server as the S3-compatible store: the ETL step
 * mirrors the Parquet to the bucket, and a development server started by the CLI with the S3
 * settings (in its own instance folder) reads the facts from there.
 */
describe('ops --target trino with an S3-compatible lake bucket (moto server)', () => {
  const bucket = 'trino-target-lake';
  let moto: MotoServer;
  let cache: string;
  let lake: string;
  let s3: S3Client;
  let env: NodeJS.ProcessEnv;
  const trino = (...args: string[]) =>
    ops(
      [...args, '--target', 'trino', '--lake', lake, '--lake-bucket', bucket, '--endpoint-url', moto.url],
      env,
    );
  const ok = (run: OpsRun) => expect(run.code, run.stderr.slice(-2000)).toBe(0);

  beforeAll(async () => {
    const dist = await ensureTrinoDist();
    cache = await mkdtemp(path.join(os.tmpdir(), 'trino-target-s3-'));
    await symlink(dist, path.join(cache, `trino-server-${TRINO_VERSION}`));
    [moto, lake] = await Promise.all([startMoto(), buildLake(200, 'trino-target-s3-lake-')]);
    env = {
      ...FAKE_AWS_ENV,
      STORE_SALES_CACHE: cache,
      TRINO_URL: '',
      TRINO_SCHEMA: '',
      TRINO_CATALOG: '',
      AWS_ENDPOINT_URL: '',
    };
    s3 = new S3Client({
      endpoint: moto.url,
      region: REGION,
      forcePathStyle: true,
      credentials: {
        accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID,
        secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      },
    });
    await s3.send(
      new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
  }, 600_000);
  afterAll(async () => {
    if (cache) {
      await stopDevServer(cache);
      await rm(cache, { recursive: true, force: true });
    }
    await moto?.stop();
    if (lake) await rm(lake, { recursive: true, force: true });
  });

  it('mirrors the Parquet to the bucket once; a second ETL uploads nothing', async () => {
    const first = await trino('etl');
    ok(first);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: LAKE.processedPrefix }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys.filter((k) => k?.endsWith('.parquet'))).toHaveLength(24);
    expect(first.stdout).toMatch(new RegExp(`s3://${bucket} +24 uploaded, 0 unchanged, 0 deleted`));
    const second = await trino('etl');
    ok(second);
    expect(second.stdout).toMatch(new RegExp(`s3://${bucket} +0 uploaded, 24 unchanged, 0 deleted`));
  });

  it('crawls the bucket and exports CSVs byte-identical to DuckDB over the lake folder', {
    timeout: 600_000,
  }, async () => {
    const crawl = await trino('crawl');
    ok(crawl);
    expect(crawl.stdout).toMatch(new RegExp(`lake +s3://${bucket}\\n`));
    expect(crawl.stdout).toMatch(/fact_orders +[\d,]+ rows, 12 partitions/);
    ok(await trino('create-views'));
    // Exports read the dbt marts: dbt-trino builds them over the bucket's tables.
    ok(await trino('transform'));
    const trinoDir = path.join(lake, 'trino-csv');
    ok(await trino('export-outputs', '--out', trinoDir));
    const localDir = path.join(lake, 'local-csv');
    await addMartsFromViews(lake);
    ok(await ops(['export-outputs', '--target', 'local', '--lake', lake, '--out', localDir]));
    for (const spec of CSV_EXPORTS) {
      const expected = await readFile(path.join(localDir, spec.file), 'utf8');
      expect(expected.split('\n').length).toBeGreaterThan(2);
      expect((await readFile(path.join(trinoDir, spec.file), 'utf8')) === expected, spec.file).toBe(true);
    }
  });
});
