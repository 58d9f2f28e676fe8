import * as arrow from 'apache-arrow';
import type { FactColumn, FactKind } from '../../contracts/fact-column.js';
import {
  FACT_TABLES,
  type FactColumnName,
  type FactColumnsOf,
  type FactTable,
} from '../../contracts/fact-tables.js';
import { type Column, DecimalColumn, Int32Column, TimestampColumn, Utf8Column } from './columns.js';

/**
 * The ETL's side of the fact table contract: the Arrow type of each contract kind, and the
 * column builders of a table made from the contract, so the Parquet files carry the contract's
 * names, order, types and nullability and nothing else.
 */

/** The Arrow type a contract column is written as (Parquet types follow from it). */
export function arrowTypeOf(c: FactColumn): arrow.DataType {
  switch (c.kind) {
    case 'string':
      return new arrow.Utf8();
    case 'timestamp':
      return new arrow.TimestampMillisecond('UTC');
    case 'date':
      return new arrow.DateDay();
    case 'int32':
      return new arrow.Int32();
    case 'decimal':
      return new arrow.Decimal(c.scale, c.precision, 128);
  }
}

/** The default builder of a kind. */
function columnOf(c: FactColumn): Column {
  switch (c.kind) {
    case 'string':
      return new Utf8Column();
    case 'timestamp':
      return new TimestampColumn();
    case 'date':
      return new Int32Column(new arrow.DateDay());
    case 'int32':
      return new Int32Column(new arrow.Int32());
    case 'decimal':
      return new DecimalColumn(c.precision, c.scale);
  }
}

type ColumnOfKind<K extends FactKind> = K extends 'string'
  ? Utf8Column
  : K extends 'timestamp'
    ? TimestampColumn
    : K extends 'decimal'
      ? DecimalColumn
      : Int32Column;

/** A table's builders by column name: the special ones given, the default of its kind otherwise. */
export type FactColumns<T extends FactTable, S> = {
  [C in FactColumnsOf<T> as C['name']]: C['name'] extends keyof S ? S[C['name']] : ColumnOfKind<C['kind']>;
};

/** Builders for `table` in contract order, with the Arrow schema the batches are packed with. */
export interface FactBuilders<T extends FactTable, S> {
  columns: FactColumns<T, S>;
  ordered: Column[];
  schema: arrow.Schema;
}

/** The fact table contract violated by the ETL's code (a programming error, caught by the tests). */
export class FactSchemaError extends Error {
  override readonly name = 'FactSchemaError';
}

/**
 * Builds the columns of `table` from the contract. `special` replaces the default builder of
 * some columns with a cheaper representation of the same Arrow type (enum codes, a constant);
 * naming a column the contract does not have, or a builder of another type, throws.
 */
export function factBuilders<T extends FactTable, S extends Partial<Record<FactColumnName<T>, Column>>>(
  table: T,
  special: S & Record<Exclude<keyof S, FactColumnName<T>>, never>,
): FactBuilders<T, S> {
  const contract: readonly FactColumn[] = FACT_TABLES[table].columns;
  const given = special as Partial<Record<string, Column>>;
  const unknown = Object.keys(given).filter((name) => !contract.some((c) => c.name === name));
  if (unknown.length) throw new FactSchemaError(`${table}: no contract column ${unknown.join(', ')}`);
  const ordered = contract.map((c) => {
    const builder = given[c.name] ?? columnOf(c);
    const type = arrowTypeOf(c);
    if (!arrow.util.compareTypes(builder.type, type)) {
      throw new FactSchemaError(
        `${table}.${c.name}: builder writes ${builder.type}, the contract says ${type}`,
      );
    }
    return builder;
  });
  return {
    // fromEntries keeps the object in V8's fast-property mode (a loop of keyed stores would turn
    // it into a dictionary), so `append`'s named column accesses stay cheap on the hot path.
    columns: Object.fromEntries(contract.map((c, i) => [c.name, ordered[i]])) as FactColumns<T, S>,
    ordered,
    schema: new arrow.Schema(contract.map((c) => new arrow.Field(c.name, arrowTypeOf(c), c.nullable))),
  };
}
