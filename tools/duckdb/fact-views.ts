import type { FactColumn } from '../../contracts/fact-column.js';
import {
  FACT_TABLE_NAMES,
  FACT_TABLES,
  type FactTable,
  PARTITION_COLUMNS,
} from '../../contracts/fact-tables.js';
import type { QueryEngine } from '../engines/query-engine.js';
import { lakePath } from '../lib/lake-path.js';

/**
 * The local catalog's side of the fact table contract: DuckDB views that select exactly the
 * contract's columns, and a check of every Parquet file's columns against the contract, so a file
 * with a missing, extra or retyped column fails the crawl with its name instead of a query later.
 */

/** The DuckDB type a contract column reads as from the ETL's Parquet. */
export function duckdbType(c: FactColumn): string {
  switch (c.kind) {
    case 'string':
      return 'VARCHAR';
    case 'timestamp':
      return 'TIMESTAMP WITH TIME ZONE';
    case 'date':
      return 'DATE';
    case 'int32':
      return 'INTEGER';
    case 'decimal':
      return `DECIMAL(${c.precision},${c.scale})`;
  }
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Every Parquet file of a table, at the partition depth the view reads. */
const tableGlob = (lake: string, table: FactTable): string =>
  `${lakePath(lake, FACT_TABLES[table].prefix)}/*/*/*.parquet`;

/**
 * The DuckDB view over one fact table's Parquet: the contract's columns in order, then the
 * partition columns from every `order_year=YYYY/order_month=MM` folder, typed VARCHAR (as Glue
 * types them). The glob is expanded at query time.
 */
export function factViewSql(lake: string, table: FactTable): string {
  const { columns, partitions } = FACT_TABLES[table];
  const names = [...columns, ...partitions].map((c) => c.name).join(', ');
  const hiveTypes = partitions.map((p) => `${sqlString(p.name)}: ${sqlString(duckdbType(p))}`).join(', ');
  return (
    `CREATE OR REPLACE VIEW main.${table} AS SELECT ${names} FROM read_parquet(` +
    `${sqlString(tableGlob(lake, table))}, hive_partitioning = true, hive_types = {${hiveTypes}})`
  );
}

/** The partition folder's value of `name` in a file path (`…/order_year=2025/…`), NULL if absent. */
const partitionValue = (name: string): string =>
  `TRY_CAST(NULLIF(regexp_extract(filename, '[\\\\/]${name}=([0-9]+)[\\\\/]', 1), '') AS INTEGER)`;

/**
 * The DuckDB view `fact_files`: one row per Parquet file of either fact table, with its table, the
 * month its partition folders name (NULL for a file outside them, or in folders that name no month,
 * such as `order_month=13`), its path, size and bytes
 * (`content`, read only when selected). dbt hashes it to re-test only the months whose files
 * changed (dbt/macros/fact_test_scope.sql).
 */
export function factFilesViewSql(lake: string): string {
  const [year, month] = PARTITION_COLUMNS;
  const selects = FACT_TABLE_NAMES.map(
    (table) =>
      `SELECT ${sqlString(table)} AS table_name, ` +
      `try(make_date(${partitionValue(year.name)}, ${partitionValue(month.name)}, 1)) AS month, ` +
      `filename AS file, size, content FROM read_blob(${sqlString(tableGlob(lake, table))})`,
  );
  return `CREATE OR REPLACE VIEW main.fact_files AS ${selects.join(' UNION ALL ')}`;
}

/** `name TYPE` of each stored column, as DuckDB reads it. */
const signature = (columns: readonly { name: string; type: string }[]): string[] =>
  columns.map((c) => `${c.name} ${c.type}`);

/**
 * Reads the footer of every Parquet file of `table` and throws, naming the first file that
 * differs and how, if its columns are not exactly the contract's (names, order, types).
 */
export async function checkFactFiles(engine: QueryEngine, lake: string, table: FactTable): Promise<void> {
  const rows = await engine.query(
    `SELECT file_name AS file, name, duckdb_type AS type FROM parquet_schema(${sqlString(tableGlob(lake, table))}) ` +
      'WHERE num_children IS NULL ORDER BY file_name, column_id',
  );
  const byFile = new Map<string, typeof rows>();
  for (const r of rows) {
    const columns = byFile.get(String(r.file));
    if (columns) columns.push(r);
    else byFile.set(String(r.file), [r]);
  }
  const expected = signature(FACT_TABLES[table].columns.map((c) => ({ name: c.name, type: duckdbType(c) })));
  for (const [file, columns] of byFile) {
    const actual = signature(columns.map((c) => ({ name: String(c.name), type: String(c.type) })));
    if (actual.join() === expected.join()) continue;
    const missing = expected.filter((c) => !actual.includes(c));
    const extra = actual.filter((c) => !expected.includes(c));
    const diff =
      missing.length || extra.length ? `missing [${missing}], unexpected [${extra}]` : 'columns out of order';
    throw new Error(`${file} does not match the ${table} contract: ${diff}`);
  }
}
