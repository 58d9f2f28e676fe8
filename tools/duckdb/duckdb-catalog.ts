import { readdir } from 'node:fs/promises';
import { FACT_TABLE_NAMES, FACT_TABLES } from '../../contracts/fact-tables.js';
import { OpsError } from '../../contracts/ops-error.js';
import type { QueryEngine } from '../engines/query-engine.js';
import { lakePath } from '../lib/lake-path.js';
import { checkFactFiles, factFilesViewSql, factViewSql } from './fact-views.js';
import { countQuarantineFiles, quarantineViewSql } from './quarantine-view.js';
import { warehousePath, withWarehouse } from './warehouse.js';

/** What a crawl registered: per table, its Hive partitions and rows. */
export interface CrawlResult {
  warehouse: string;
  tables: { name: string; files: number; partitions: string[]; rows: number }[];
}

/** Parquet files under a table's prefix, at the partition depth the view's glob reads. */
async function countParquet(lake: string, prefix: string): Promise<number> {
  const entries = await readdir(lakePath(lake, prefix), { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('.parquet') && e.split(/[\\/]/).length === 3).length;
}

async function describeTable(engine: QueryEngine, name: string) {
  const parts = await engine.query(
    `SELECT order_year, order_month, COUNT(*) AS n FROM ${name} GROUP BY order_year, order_month ORDER BY 1, 2`,
  );
  return {
    partitions: parts.map((p) => `${p.order_year}-${p.order_month}`),
    rows: parts.reduce((sum, p) => sum + Number(p.n), 0),
  };
}

/**
 * `ops crawl` locally: (re)creates the `fact_orders` and `fact_order_items` views in
 * `<lake>/warehouse.duckdb`, in one transaction, and reports partitions and row counts.
 * Fails with NO_FACT_DATA when the ETL has written no Parquet yet.
 */
export async function crawlDuckDb(opts: { lake: string }): Promise<CrawlResult> {
  const prefixes = FACT_TABLE_NAMES.map((t) => FACT_TABLES[t].prefix);
  const files = await Promise.all(prefixes.map((prefix) => countParquet(opts.lake, prefix)));
  const empty = prefixes.filter((_, i) => files[i] === 0);
  if (empty.length) {
    throw new OpsError(
      'NO_FACT_DATA',
      `no Parquet files under ${empty.join(' and ')} in ${opts.lake}`,
      'run `npx ops generate` and `npx ops etl` first (or pass the right --lake)',
    );
  }
  const quarantineFiles = await countQuarantineFiles(opts.lake);
  return withWarehouse({ lake: opts.lake, create: true }, async (engine) => {
    try {
      // Checking and describing read every file: a broken one fails the crawl before the views commit.
      const tables = await engine.transaction!(async () => {
        const described = [];
        for (const [i, table] of FACT_TABLE_NAMES.entries()) {
          await checkFactFiles(engine, opts.lake, table);
          await engine.exec(factViewSql(opts.lake, table));
          described.push({ name: table, files: files[i] ?? 0, ...(await describeTable(engine, table)) });
        }
        // The files behind both tables: dbt re-tests only the months whose files changed.
        await engine.exec(factFilesViewSql(opts.lake));
        // The rejected records, for the data-quality mart (docs/dashboard.md, "Data quality").
        await engine.exec(quarantineViewSql(opts.lake, quarantineFiles));
        return described;
      });
      return { warehouse: warehousePath(opts.lake), tables };
    } catch (err) {
      throw new OpsError(
        'CRAWL_FAILED',
        `cannot register the fact tables: ${(err as Error).message}`,
        're-run `npx ops etl` for the files the message names (the catalog was left unchanged)',
        { cause: err },
      );
    }
  });
}
