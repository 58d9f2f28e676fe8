import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { warehousePath } from '../../tools/duckdb/warehouse.js';
import { createViews, SQL_DIR } from '../../tools/engines/create-views.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { exportOutputs } from '../../tools/exports/export-outputs.js';
import { localLocation, TRINO_CATALOG } from '../../tools/trino/server-config.js';
import { registerTrinoFactTables, type TrinoCrawlResult } from '../../tools/trino/trino-catalog.js';
import { openTrinoEngine } from '../../tools/trino/trino-engine.js';
import { buildLake } from '../dbt/dbt-lake.js';
import { addMartsFromViews, martsFromViewsSql } from '../sql/fact-fixture.js';
import { connection, dropSchema, testSchema, useTrino } from './support/trino-server.js';

/**
 * The engines side by side on one lake: Trino's catalog and views against DuckDB's. dbt-trino's
 * build (every model, data test and unit test) runs in trino-target.test.ts, through the CLI.
 */
describe('Trino over a generated lake (12 x 500 orders), against DuckDB on the same lake', () => {
  const schema = testSchema('parity');
  let lake: string;
  let trino: QueryEngine;
  let crawl: TrinoCrawlResult;

  beforeAll(async () => {
    const [server, built] = await Promise.all([useTrino(), buildLake(500, 'trino-lake-')]);
    lake = built;
    trino = await openTrinoEngine(connection(server.url, schema));
    crawl = await registerTrinoFactTables(trino, {
      catalog: TRINO_CATALOG,
      schema,
      lake: localLocation(lake),
    });
    await createViews(trino, SQL_DIR, { quality: true });
  });
  afterAll(async () => {
    if (trino) {
      await dropSchema(trino, schema);
      await trino.close();
    }
    if (lake) await rm(lake, { recursive: true, force: true });
  });

  it('registers every partition and row the DuckDB catalog sees', async () => {
    const duck = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
    try {
      for (const table of crawl.tables) {
        const parts = await duck.query(
          `SELECT order_year || '-' || order_month AS p, COUNT(*) AS n FROM ${table.name} GROUP BY 1 ORDER BY 1`,
        );
        expect(table.partitions).toEqual(parts.map((p) => p.p));
        expect(table.rows).toBe(parts.reduce((sum, p) => sum + Number(p.n), 0));
      }
    } finally {
      await duck.close();
    }
    expect(crawl.tables.map((t) => t.partitions.length)).toEqual([12, 12]);
  });

  it('exports every CSV byte-identical to the DuckDB engine, from the same views', async () => {
    const duckDir = path.join(lake, 'out-duckdb');
    const trinoDir = path.join(lake, 'out-trino');
    // The export reads the marts: on both engines here, tables copied from the views. dbt-trino's
    // own marts are compared with DuckDB's through the CLI (trino-target.test.ts).
    await addMartsFromViews(lake);
    for (const sql of martsFromViewsSql('trino')) await trino.exec(sql);
    const duck = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
    try {
      await exportOutputs(duck, duckDir);
    } finally {
      await duck.close();
    }
    await exportOutputs(trino, trinoDir);
    for (const spec of CSV_EXPORTS) {
      const expected = await readFile(path.join(duckDir, spec.file), 'utf8');
      expect(expected.split('\n').length).toBeGreaterThan(2);
      expect(await readFile(path.join(trinoDir, spec.file), 'utf8'), spec.file).toBe(expected);
    }
  });
});
