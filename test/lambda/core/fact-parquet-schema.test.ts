import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactColumn } from '../../../contracts/fact-column.js';
import { FACT_TABLE_NAMES, FACT_TABLES, type FactTable } from '../../../contracts/fact-tables.js';
import { processSource } from '../../../lambda/core/process-source.js';
import { GOLDEN_ORDER, jsonLines, TEST_NOW, tempLake, validOrder } from '../support/orders.js';
import { duckRows, pyarrowDescribe } from '../support/readers.js';

// The Parquet the ETL writes has exactly the fact table contract's schema (names, order, types,
// nullability, no partition columns), as two independent readers see it: DuckDB and pyarrow.
// How each contract kind must be stored is written out here, independently of the ETL's code.
const KEY = 'raw/store_sales/orders_2025_01.json';
let lake: Awaited<ReturnType<typeof tempLake>>;
const file = (table: FactTable) =>
  `${lake.root}/${FACT_TABLES[table].prefix}order_year=2025/order_month=01/part-orders_2025_01.parquet`;

beforeAll(async () => {
  lake = await tempLake();
  await lake.store.put(
    KEY,
    jsonLines([GOLDEN_ORDER, ...Array.from({ length: 50 }, (_, i) => validOrder(i))]),
  );
  await processSource(lake.store, KEY, { now: () => TEST_NOW, encoderThread: false });
});
afterAll(() => lake.cleanup());

/** What DuckDB's `parquet_schema` reports for a kind: physical type, converted type, DuckDB type. */
function duckdbExpects(c: FactColumn): string {
  const repetition = c.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (c.kind) {
    case 'string':
      return `${c.name} BYTE_ARRAY UTF8 VARCHAR ${repetition}`;
    case 'timestamp':
      return `${c.name} INT64 TIMESTAMP_MILLIS TIMESTAMP WITH TIME ZONE ${repetition}`;
    case 'date':
      return `${c.name} INT32 DATE DATE ${repetition}`;
    case 'int32':
      return `${c.name} INT32 null INTEGER ${repetition}`;
    case 'decimal':
      return `${c.name} INT64 DECIMAL DECIMAL(${c.precision},${c.scale}) ${repetition}`;
  }
}

/** What pyarrow reports for a kind: physical type, logical type, Arrow type. */
function pyarrowExpects(c: FactColumn): string {
  const optional = c.nullable ? 'optional' : 'required';
  switch (c.kind) {
    case 'string':
      return `${c.name} BYTE_ARRAY String string ${optional}`;
    case 'timestamp':
      return `${c.name} INT64 Timestamp(isAdjustedToUTC=true, timeUnit=milliseconds) timestamp[ms, tz=UTC] ${optional}`;
    case 'date':
      return `${c.name} INT32 Date date32[day] ${optional}`;
    case 'int32':
      return `${c.name} INT32 None int32 ${optional}`;
    case 'decimal':
      return `${c.name} INT64 Decimal(precision=${c.precision}, scale=${c.scale}) decimal128(${c.precision}, ${c.scale}) ${optional}`;
  }
}

const contract = (table: FactTable): readonly FactColumn[] => FACT_TABLES[table].columns;

describe('Parquet written by the ETL matches the fact table contract', () => {
  it.each(FACT_TABLE_NAMES)('%s, read by DuckDB', async (table) => {
    const rows = await duckRows(
      `select name, type, converted_type, duckdb_type, repetition_type from parquet_schema('${file(table)}')
       where num_children is null order by column_id`,
    );
    const actual = rows.map(
      (r) => `${r.name} ${r.type} ${r.converted_type} ${r.duckdb_type} ${r.repetition_type}`,
    );
    expect(actual).toEqual(contract(table).map(duckdbExpects));
  });

  it.each(FACT_TABLE_NAMES)('%s, read by pyarrow', (table) => {
    const [described] = pyarrowDescribe([file(table)]);
    const actual = described!.columns.map(
      (c) =>
        // pyarrow's timestamp logical type also prints two flags that say nothing about the kind.
        `${c.name} ${c.physical} ${c.logical.replace(/, is_from_converted_type=\w+, force_set_converted_type=\w+/, '')} ${c.arrow} ${c.optional ? 'optional' : 'required'}`,
    );
    expect(actual).toEqual(contract(table).map(pyarrowExpects));
    expect(described!.rows).toBeGreaterThan(0);
  });
});
