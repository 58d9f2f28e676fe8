import type { FactColumn } from '../contracts/fact-column.js';
import { FACT_TABLES, type FactTable, PARTITION_COLUMNS } from '../contracts/fact-tables.js';

/** A Glue (Hive DDL) column: name and type as Athena reads them from the Parquet files. */
export interface GlueColumn {
  name: string;
  type: string;
}

/**
 * The Glue (Hive) type of a contract column. In crawler mode the crawler infers the same types
 * from the Parquet logical types (DECIMAL, TIMESTAMP, DATE, INT32, UTF8).
 */
export function glueType(c: FactColumn): string {
  switch (c.kind) {
    case 'string':
      return 'string';
    case 'timestamp':
      return 'timestamp';
    case 'date':
      return 'date';
    case 'int32':
      return 'int';
    case 'decimal':
      return `decimal(${c.precision},${c.scale})`;
  }
}

const glueColumn = (c: FactColumn): GlueColumn => ({ name: c.name, type: glueType(c) });

/** The stored columns of a fact table as Glue columns, in file order (projection-mode tables). */
export const glueColumns = (table: FactTable): GlueColumn[] => FACT_TABLES[table].columns.map(glueColumn);

/** Hive partition keys of both fact tables, in path order; strings, zero-padded. */
export const PARTITION_KEYS: readonly GlueColumn[] = PARTITION_COLUMNS.map(glueColumn);

/**
 * Athena partition projection for `order_year=YYYY/order_month=MM`: integer ranges rendered
 * with fixed digits, so the projected values are the same zero-padded strings as the folders.
 * With no `storage.location.template`, Athena appends the Hive path to the table location.
 */
export function projectionParameters(years: readonly [number, number]): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.order_year.type': 'integer',
    'projection.order_year.range': `${years[0]},${years[1]}`,
    'projection.order_year.digits': '4',
    'projection.order_month.type': 'integer',
    'projection.order_month.range': '1,12',
    'projection.order_month.digits': '2',
  };
}
