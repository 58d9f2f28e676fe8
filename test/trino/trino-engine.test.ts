import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createViews } from '../../tools/engines/create-views.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { openTrinoEngine } from '../../tools/trino/trino-engine.js';
import { connection, dropSchema, testSchema, useTrino } from './support/trino-server.js';

describe('the Trino query engine (development server)', () => {
  const schema = testSchema('engine');
  let url: string;
  let engine: QueryEngine;

  beforeAll(async () => {
    ({ url } = await useTrino());
    engine = await openTrinoEngine(connection(url, 'information_schema'));
    await engine.exec(`CREATE SCHEMA IF NOT EXISTS hive.${schema}`);
  });
  afterAll(async () => {
    await dropSchema(engine, schema);
    await engine.close();
  });

  it('returns BIGINT and DECIMAL as exact strings, dates as YYYY-MM-DD, INTEGER as a number', async () => {
    const rows = await engine.query(
      `SELECT CAST(9007199254740993 AS BIGINT) AS big, CAST('25502110.35' AS DECIMAL(18,2)) AS money,
              DATE '2025-01-31' AS day, CAST(7 AS INTEGER) AS n, COUNT(*) AS count_star, CAST(NULL AS VARCHAR) AS nothing`,
    );
    expect(rows).toEqual([
      {
        big: '9007199254740993',
        money: '25502110.35',
        day: '2025-01-31',
        n: 7,
        count_star: '1',
        nothing: null,
      },
    ]);
  });

  it('pages through a result larger than one response', async () => {
    const rows = await engine.query(
      'SELECT a * 10000 + b AS x FROM UNNEST(sequence(0, 9)) AS s(a) CROSS JOIN UNNEST(sequence(1, 10000)) AS t(b) ORDER BY x',
    );
    expect(rows).toHaveLength(100_000);
    expect(rows.at(-1)).toEqual({ x: '100000' }); // sequence() yields BIGINT
  });

  it('reports an unreachable server as TRINO_UNREACHABLE with a hint to start it', async () => {
    await expect(openTrinoEngine(connection('http://127.0.0.1:9', schema))).rejects.toMatchObject({
      code: 'TRINO_UNREACHABLE',
      hint: expect.stringContaining('npm run trino -- start'),
    });
  });

  it('reports an unknown catalog and an unknown schema with their own codes', async () => {
    const noCatalog = await openTrinoEngine({ ...connection(url, schema), catalog: 'no_such_catalog' });
    await expect(noCatalog.query('SELECT * FROM some_table')).rejects.toMatchObject({
      code: 'TRINO_UNKNOWN_CATALOG',
    });
    const noSchema = await openTrinoEngine(connection(url, 'no_such_schema'));
    await expect(noSchema.query('SELECT * FROM some_table')).rejects.toMatchObject({
      code: 'TRINO_UNKNOWN_SCHEMA',
    });
  });

  it("rejects a failing statement with Trino's own message", async () => {
    await expect(engine.query('SELECT no_such_column FROM (VALUES 1) AS t(x)')).rejects.toMatchObject({
      code: 'TRINO_QUERY_FAILED',
      message: expect.stringMatching(/Column 'no_such_column' cannot be resolved/),
    });
  });

  it('names the file and statement number of a failing view statement', async () => {
    const sqlDir = await mkdtemp(path.join(os.tmpdir(), 'trino-views-'));
    try {
      for (const f of ['base_views.sql', 'bi_views.sql', 'product_views.sql'])
        await writeFile(path.join(sqlDir, f), '');
      await writeFile(
        path.join(sqlDir, 'bi_views.sql'),
        `CREATE OR REPLACE VIEW hive.${schema}.v_ok AS SELECT 1 AS x;\nCREATE OR REPLACE VIEW hive.${schema}.v_bad AS SELECT nope FROM hive.${schema}.v_ok;\n`,
      );
      await expect(createViews(engine, sqlDir)).rejects.toMatchObject({
        code: 'VIEW_FAILED',
        message: expect.stringMatching(
          /^bi_views\.sql statement 2 .*trino says: .*'nope' cannot be resolved/,
        ),
      });
    } finally {
      await rm(sqlDir, { recursive: true, force: true });
    }
  });
});
