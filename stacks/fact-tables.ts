import type { FactColumn, FactKind } from '../contracts/fact-column.js';
import { FACT_TABLES, type FactTable, PARTITION_COLUMNS } from '../contracts/fact-tables.js';
import { EARLIEST_ORDER_YEAR } from '../contracts/raw-order.js';

/** A Glue (Hive DDL) column: name and type as Athena reads them from the Parquet files. */
export interface GlueColumn {
  name: string;
  type: string;
}

/** The Glue (Hive) type of each fixed-width kind; `decimal` carries its precision and scale. */
export const GLUE_TYPES = {
  string: 'string',
  timestamp: 'timestamp',
  date: 'date',
  int32: 'int',
} as const satisfies Record<Exclude<FactKind, 'decimal'>, string>;

/**
 * The Glue (Hive) type of a contract column. In crawler mode the crawler infers the same types
 * from the Parquet logical types (DECIMAL, TIMESTAMP, DATE, INT32, UTF8).
 */
export function glueType(c: FactColumn): string {
  return c.kind === 'decimal' ? `decimal(${c.precision},${c.scale})` : GLUE_TYPES[c.kind];
}

const glueColumn = (c: FactColumn): GlueColumn => ({ name: c.name, type: glueType(c) });

/** The stored columns of a fact table as Glue columns, in file order (projection-mode tables). */
export const glueColumns = (table: FactTable): GlueColumn[] => FACT_TABLES[table].columns.map(glueColumn);

/** Hive partition keys of both fact tables, in path order; strings, zero-padded. */
export const PARTITION_KEYS: readonly GlueColumn[] = PARTITION_COLUMNS.map(glueColumn);

/**
 * Athena partition projection for `order_year=YYYY/order_month=MM`, rendered as the same
 * zero-padded strings as the folders. The years run from the contract's earliest order year to
 * the current one (`NOW`, a date projection formatted `yyyy`), so every year the ETL can write
 * is projected, now and in later years, with no range to move (the ETL accepts an order up to a
 * day ahead: one in the first hours of a new year is seen once that year has begun in UTC).
 * With no `storage.location.template`, Athena appends the Hive path to the table location.
 */
export function projectionParameters(): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.order_year.type': 'date',
    'projection.order_year.range': `${EARLIEST_ORDER_YEAR},NOW`,
    'projection.order_year.format': 'yyyy',
    'projection.order_year.interval': '1',
    'projection.order_year.interval.unit': 'YEARS',
    'projection.order_month.type': 'integer',
    'projection.order_month.range': '1,12',
    'projection.order_month.digits': '2',
  };
}
