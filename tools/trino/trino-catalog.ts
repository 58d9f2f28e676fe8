import { mkdir } from 'node:fs/promises';
import type { FactColumn } from '../../contracts/fact-column.js';
import {
  FACT_TABLE_NAMES,
  FACT_TABLES,
  type FactTable,
  PARTITION_COLUMNS,
} from '../../contracts/fact-tables.js';
import { OpsError } from '../../contracts/ops-error.js';
import { QUARANTINE_TABLE } from '../../contracts/quarantine-table.js';
import type { QueryEngine } from '../engines/query-engine.js';

/** One column of a Trino Hive table. */
export interface TrinoColumnDef {
  name: string;
  type: string;
}

/** The Trino type a contract column reads as from the ETL's Parquet. */
export function trinoType(c: FactColumn): string {
  switch (c.kind) {
    case 'string':
      return 'VARCHAR';
    case 'int32':
      return 'INTEGER';
    case 'date':
      return 'DATE';
    case 'timestamp':
      // The ETL writes millisecond timestamps; TIMESTAMP(3) reads them without rounding.
      return 'TIMESTAMP(3)';
    case 'decimal':
      return `DECIMAL(${c.precision},${c.scale})`;
  }
}

/** The fact tables' data columns in Trino types, in file order, from the fact table contract. */
export const trinoFactColumns = (table: FactTable): TrinoColumnDef[] =>
  FACT_TABLES[table].columns.map((c: FactColumn) => ({ name: c.name, type: trinoType(c) }));

/** Where a lake lives as the catalog sees it: `local:///abs/lake` or `s3://bucket`. */
const LOCAL_SCHEME = 'local://';
export type LakeUri = string;

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** Joins a lake URI and a lake key (`processed/store_sales/fact_orders/`) without doubled slashes. */
export const lakeLocation = (lake: LakeUri, key: string): string =>
  `${lake.replace(/\/+$/, '')}/${key.replace(/^\/+|\/+$/g, '')}`;

/**
 * DDL of one external, Hive-partitioned Parquet table over the ETL's folder. Partition columns
 * come last and are VARCHAR, as the folders `order_year=2025/order_month=01` spell them.
 */
export function factTableDdl(catalog: string, schema: string, table: FactTable, lake: LakeUri): string {
  const columns = [
    ...trinoFactColumns(table),
    ...PARTITION_COLUMNS.map((k) => ({ name: k.name, type: 'VARCHAR' })),
  ];
  return [
    `CREATE TABLE ${ident(catalog)}.${ident(schema)}.${ident(table)} (`,
    columns.map((c) => `  ${ident(c.name)} ${c.type}`).join(',\n'),
    ') WITH (',
    "  format = 'PARQUET',",
    `  external_location = ${quote(lakeLocation(lake, FACT_TABLES[table].prefix))},`,
    `  partitioned_by = ARRAY[${PARTITION_COLUMNS.map((k) => quote(k.name)).join(', ')}]`,
    ')',
  ].join('\n');
}

/**
 * DDL of the external table over the quarantine files (JSON Lines, one rejected record per line):
 * the contract's columns; other fields of a record (`violations`, `raw`) are not read. Trino skips
 * files and folders whose names start with `_` or `.` (the Lambda's `_refused/`, temp files).
 */
export function quarantineTableDdl(catalog: string, schema: string, lake: LakeUri): string {
  return [
    `CREATE TABLE ${ident(catalog)}.${ident(schema)}.${ident(QUARANTINE_TABLE.name)} (`,
    QUARANTINE_TABLE.columns
      .map((c) => `  ${ident(c.name)} ${c.kind === 'int32' ? 'INTEGER' : 'VARCHAR'}`)
      .join(',\n'),
    ') WITH (',
    "  format = 'JSON',",
    `  external_location = ${quote(lakeLocation(lake, QUARANTINE_TABLE.prefix))}`,
    ')',
  ].join('\n');
}

/** What `registerTrinoFactTables` registered, per table. */
export interface TrinoCrawlResult {
  schema: string;
  tables: { name: string; partitions: string[]; rows: number }[];
}

/**
 * The Trino crawl: creates the schema where the metastore puts it (the file metastore insists that
 * managed tables, i.e. dbt's, live in its own folder), re-creates both fact tables as external tables over the lake and registers their
 * partition folders with `system.sync_partition_metadata`. Dropping an external table leaves its
 * files alone, so re-running is safe; a failure names the statement and carries Trino's message.
 */
export async function registerTrinoFactTables(
  engine: QueryEngine,
  opts: { catalog: string; schema: string; lake: LakeUri },
): Promise<TrinoCrawlResult> {
  const { catalog, schema, lake } = opts;
  const qualified = `${ident(catalog)}.${ident(schema)}`;
  const run = async (what: string, sql: string) => {
    try {
      await engine.exec(sql);
    } catch (err) {
      throw new OpsError(
        'CRAWL_FAILED',
        `${what}: ${engine.name} says: ${(err as Error).message}`,
        undefined,
        {
          cause: err,
        },
      );
    }
  };
  await run(`create schema ${schema}`, `CREATE SCHEMA IF NOT EXISTS ${qualified}`);
  const tables = [];
  for (const table of FACT_TABLE_NAMES) {
    await run(`drop ${table}`, `DROP TABLE IF EXISTS ${qualified}.${ident(table)}`);
    await run(`create ${table}`, factTableDdl(catalog, schema, table, lake));
    await run(
      `sync partitions of ${table}`,
      `CALL ${ident(catalog)}.system.sync_partition_metadata(${quote(schema)}, ${quote(table)}, 'FULL')`,
    );
    const parts = await engine.query(
      `SELECT order_year, order_month, COUNT(*) AS n FROM ${qualified}.${ident(table)} GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    tables.push({
      name: table,
      partitions: parts.map((p) => `${p.order_year}-${p.order_month}`),
      rows: parts.reduce((sum, p) => sum + Number(p.n), 0),
    });
  }
  // The quarantine table, for the data-quality mart (read = loaded + quarantined). Trino refuses
  // an external location that does not exist, and a clean local lake has no quarantine folder
  // yet (an S3 prefix needs no creating).
  if (lake.startsWith(LOCAL_SCHEME)) {
    const folder = lakeLocation(lake, QUARANTINE_TABLE.prefix).slice(LOCAL_SCHEME.length);
    await mkdir(folder, { recursive: true });
  }
  await run(
    `drop ${QUARANTINE_TABLE.name}`,
    `DROP TABLE IF EXISTS ${qualified}.${ident(QUARANTINE_TABLE.name)}`,
  );
  await run(`create ${QUARANTINE_TABLE.name}`, quarantineTableDdl(catalog, schema, lake));
  return { schema, tables };
}
