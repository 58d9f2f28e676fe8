import { readdir } from 'node:fs/promises';
import { LAKE } from '../../contracts/lake-layout.js';
import { warehousePath, withWarehouse } from '../duckdb/warehouse.js';
import type { QueryEngine } from '../engines/query-engine.js';
import { OpsError } from '../lib/errors.js';
import { lakePath } from '../lib/lake-path.js';

/** The fact tables the catalog registers, with the lake prefix that holds their Parquet. */
export const FACT_TABLES = [
  { name: 'fact_orders', prefix: LAKE.factOrders },
  { name: 'fact_order_items', prefix: LAKE.factOrderItems },
] as const;

/** What a crawl registered: per table, its Hive partitions and rows. */
export interface CrawlResult {
  warehouse: string;
  tables: { name: string; files: number; partitions: string[]; rows: number }[];
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * The DuckDB view over one fact table's Parquet: every `order_year=YYYY/order_month=MM` folder,
 * partition columns kept as VARCHAR (as Glue types them). The glob is expanded at query time,
 * and the crawl re-creates the view so a changed schema is picked up too.
 */
export function factViewSql(lake: string, table: (typeof FACT_TABLES)[number]): string {
  const glob = `${lakePath(lake, table.prefix)}/*/*/*.parquet`;
  return (
    `CREATE OR REPLACE VIEW main.${table.name} AS SELECT * FROM read_parquet(${sqlString(glob)}, ` +
    'hive_partitioning = true, hive_types_autocast = false)'
  );
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
  const files = await Promise.all(FACT_TABLES.map((t) => countParquet(opts.lake, t.prefix)));
  const empty = FACT_TABLES.filter((_, i) => files[i] === 0).map((t) => t.prefix);
  if (empty.length) {
    throw new OpsError(
      'NO_FACT_DATA',
      `no Parquet files under ${empty.join(' and ')} in ${opts.lake}`,
      'run `ops generate` and `ops etl` first (or pass the right --lake)',
    );
  }
  return withWarehouse({ lake: opts.lake, create: true }, async (engine) => {
    try {
      // Describing reads every file: a broken one fails the crawl before the views commit.
      const tables = await engine.transaction!(async () => {
        const described = [];
        for (const [i, table] of FACT_TABLES.entries()) {
          await engine.exec(factViewSql(opts.lake, table));
          described.push({
            name: table.name,
            files: files[i] ?? 0,
            ...(await describeTable(engine, table.name)),
          });
        }
        return described;
      });
      return { warehouse: warehousePath(opts.lake), tables };
    } catch (err) {
      throw new OpsError(
        'CRAWL_FAILED',
        `cannot register the fact tables: ${(err as Error).message}`,
        're-run `ops etl` for the files the message names (the catalog was left unchanged)',
        { cause: err },
      );
    }
  });
}
