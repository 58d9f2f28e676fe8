import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE } from '../../contracts/lake-layout.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { warehousePath } from '../../tools/duckdb/warehouse.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { ensureTrinoDist, TRINO_VERSION } from '../../tools/trino/dist.js';
import { TRINO_CATALOG } from '../../tools/trino/server-config.js';
import { startDevServer, stopDevServer } from '../../tools/trino/server-process.js';
import { registerTrinoFactTables, type TrinoCrawlResult } from '../../tools/trino/trino-catalog.js';
import { openTrinoEngine } from '../../tools/trino/trino-engine.js';
import { FAKE_AWS_ENV, type MotoServer, REGION, startMoto } from '../aws/support/moto-server.js';
import { buildLake } from '../dbt/dbt-lake.js';
import { connection } from './support/trino-server.js';

describe('Trino over an S3-compatible lake (moto server)', () => {
  const bucket = 'store-sales-lake';
  let moto: MotoServer;
  let cache: string;
  let lake: string;
  let engine: QueryEngine;
  let crawl: TrinoCrawlResult;

  beforeAll(async () => {
    // A second server with its own instance folder, sharing the downloaded distribution.
    const dist = await ensureTrinoDist();
    cache = await mkdtemp(path.join(os.tmpdir(), 'trino-s3-'));
    await symlink(dist, path.join(cache, `trino-server-${TRINO_VERSION}`));
    [moto, lake] = await Promise.all([startMoto(), buildLake(200, 'trino-s3-lake-')]);
    const s3 = new S3Client({
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
    for (const prefix of [LAKE.factOrders, LAKE.factOrderItems]) {
      const files = (await readdir(path.join(lake, prefix), { recursive: true })).filter((f) =>
        f.endsWith('.parquet'),
      );
      for (const f of files) {
        const key = `${prefix}${f.split(path.sep).join('/')}`;
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(path.join(lake, key)) }),
        );
      }
    }
    const server = await startDevServer({
      cache,
      s3: {
        endpoint: moto.url,
        region: REGION,
        pathStyle: true,
        accessKey: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID,
        secretKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      },
    });
    engine = await openTrinoEngine(connection(server.url, 's3_lake'));
    crawl = await registerTrinoFactTables(engine, {
      catalog: TRINO_CATALOG,
      schema: 's3_lake',
      lake: `s3://${bucket}`,
    });
  }, 600_000);
  afterAll(async () => {
    await engine?.close();
    if (cache) {
      await stopDevServer(cache);
      await rm(cache, { recursive: true, force: true });
    }
    await moto?.stop();
    if (lake) await rm(lake, { recursive: true, force: true });
  });

  it('reads the same partitions and rows from the bucket as DuckDB from the folder', async () => {
    const duck = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
    try {
      for (const table of crawl.tables) {
        const [row] = await duck.query(`SELECT COUNT(*) AS n FROM ${table.name}`);
        expect(table.rows).toBe(Number(row?.n));
        expect(table.partitions).toHaveLength(12);
      }
    } finally {
      await duck.close();
    }
  });
});
