import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpsError } from '../../../contracts/ops-error.js';
import { createViewsOn } from '../../../tools/commands/create-views.js';
import { openDuckDbEngine } from '../../../tools/duckdb/duckdb-engine.js';
import { createViews, SQL_DIR, type VIEW_FILES } from '../../../tools/engines/create-views.js';
import type { QueryEngine } from '../../../tools/engines/query-engine.js';

describe('createViews', () => {
  let sqlDir: string;
  let engine: QueryEngine;
  beforeEach(async () => {
    sqlDir = await mkdtemp(path.join(os.tmpdir(), 'create-views-'));
    engine = await openDuckDbEngine(':memory:');
  });
  afterEach(async () => {
    await engine.close();
    await rm(sqlDir, { recursive: true, force: true });
  });

  const writeViews = (files: Record<(typeof VIEW_FILES)[number], string>) =>
    Promise.all(Object.entries(files).map(([name, sql]) => writeFile(path.join(sqlDir, name), sql)));

  it('names the file, statement, view, line and the engine message of a failing statement', async () => {
    await writeViews({
      'base_views.sql': 'CREATE OR REPLACE VIEW v_one AS SELECT 1 AS x;\n',
      'bi_views.sql':
        '-- two views\nCREATE OR REPLACE VIEW v_two AS SELECT 2 AS x;\n\nCREATE OR REPLACE VIEW v_bad AS\nSELECT * FROM no_such_table;\n',
      'product_views.sql': '',
    });

    const error = await createViews(engine, sqlDir).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpsError);
    expect(error).toMatchObject({ code: 'VIEW_FAILED' });
    expect((error as OpsError).message).toMatch(
      /^bi_views\.sql statement 2 \(v_bad\), line 4: duckdb says: .*no_such_table/s,
    );
  });

  it('leaves the catalog unchanged when a statement fails', async () => {
    await writeViews({
      'base_views.sql': 'CREATE OR REPLACE VIEW v_one AS SELECT 1 AS x;\n',
      'bi_views.sql': 'CREATE OR REPLACE VIEW v_bad AS SELECT * FROM no_such_table;\n',
      'product_views.sql': '',
    });

    await createViews(engine, sqlDir).catch(() => undefined);

    expect(await engine.query("SELECT view_name FROM duckdb_views() WHERE view_name = 'v_one'")).toEqual([]);
  });

  it('tells to crawl first when the fact tables are missing', async () => {
    await cp(SQL_DIR, sqlDir, { recursive: true });

    const error = await createViews(engine, sqlDir).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'VIEW_FAILED', hint: expect.stringMatching(/ops crawl/) });
    expect((error as OpsError).message).toMatch(
      /^base_views\.sql statement 1 \(v_fact_orders_base\).*fact_orders/s,
    );
  });

  it('reports the views it created, in order', async () => {
    await writeViews({
      'base_views.sql': 'CREATE OR REPLACE VIEW v_one AS SELECT 1 AS x;',
      'bi_views.sql': 'CREATE OR REPLACE VIEW v_two AS SELECT x FROM v_one;',
      'product_views.sql': 'CREATE OR REPLACE VIEW v_three AS SELECT x FROM v_two;',
    });

    const result = await createViews(engine, sqlDir);

    expect(result).toEqual({ files: 3, statements: 3, views: ['v_one', 'v_two', 'v_three'] });
    expect(await engine.query('SELECT x FROM v_three')).toEqual([{ x: 1 }]);
  });

  it('refuses a lake without a catalog rather than creating an empty one', async () => {
    const lake = sqlDir;

    const error = await createViewsOn({ target: 'local', lake }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'NO_WAREHOUSE', hint: expect.stringMatching(/ops crawl/) });
    expect(await readdir(lake)).toEqual([]);
  });
});
