import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDbEngine } from '../../../tools/duckdb/duckdb-engine.js';
import type { QueryEngine } from '../../../tools/engines/query-engine.js';
import {
  assertNoDuplicateOrders,
  describeDuplicates,
  findDuplicateOrders,
} from '../../../tools/exports/duplicate-orders.js';

// The guard every export and `ops transform` run: order_ids loaded more than once, on a real
// DuckDB holding a small fact_orders (the columns the queries read).
let engine: QueryEngine;
beforeAll(async () => {
  engine = await openDuckDbEngine(':memory:');
});
afterAll(() => engine.close?.());

async function factOrders(rows: [string | null, string, string][]): Promise<void> {
  await engine.exec(
    'CREATE OR REPLACE TABLE fact_orders (order_id VARCHAR, order_year VARCHAR, order_month VARCHAR, source_file VARCHAR)',
  );
  for (const [id, month, file] of rows) {
    const [y, m] = month.split('-');
    await engine.exec(
      `INSERT INTO fact_orders VALUES (${id === null ? 'NULL' : `'${id}'`}, '${y}', '${m}', '${file}')`,
    );
  }
}

const JAN = 'raw/store_sales/orders_2025_01.json';
const RESENT = 'raw/store_sales/orders_2025_01_resent.json';
const FEB = 'raw/store_sales/orders_2025_02.json';

describe('duplicate orders', () => {
  it('finds none in clean facts, and lets the export go on', async () => {
    await factOrders([
      ['A', '2025-01', JAN],
      ['B', '2025-02', FEB],
    ]);
    expect(await findDuplicateOrders(engine)).toEqual({ count: 0, examples: [], sourceFiles: [] });
    await expect(assertNoDuplicateOrders(engine)).resolves.toBeUndefined();
  });

  it('counts no NULL order_id as loaded twice: dbt not_null names those rows, and no file could be named', async () => {
    await factOrders([
      [null, '2025-01', JAN],
      [null, '2025-02', FEB],
      ['A', '2025-01', JAN],
    ]);
    expect(await findDuplicateOrders(engine)).toEqual({ count: 0, examples: [], sourceFiles: [] });
  });

  it('names each duplicated order_id with its months and files, the first ones by id, and every file', async () => {
    await factOrders([
      ['C', '2025-01', JAN],
      ['C', '2025-01', RESENT],
      ['A', '2025-01', JAN],
      ['A', '2025-02', FEB],
      ['A', '2025-01', RESENT],
      ['B', '2025-02', FEB],
      ['D', '2025-01', JAN],
      ['D', '2025-01', JAN],
    ]);
    const report = await findDuplicateOrders(engine, 2);
    expect(report).toEqual({
      count: 3,
      examples: [
        { orderId: 'A', months: ['2025-01', '2025-02'], sourceFiles: [JAN, RESENT, FEB] },
        { orderId: 'C', months: ['2025-01'], sourceFiles: [JAN, RESENT] },
      ],
      sourceFiles: [
        { sourceFile: JAN, rows: 4 },
        { sourceFile: RESENT, rows: 2 },
        { sourceFile: FEB, rows: 1 },
      ],
    });
    const words =
      `3 order_id(s) are loaded more than once, from ${JAN} (4 rows), ${RESENT} (2 rows), ${FEB} (1 rows); ` +
      `e.g. A [2025-01, 2025-02] in ${JAN} and ${RESENT} and ${FEB}; C [2025-01] in ${JAN} and ${RESENT}`;
    expect(describeDuplicates(report)).toBe(words);
    expect((await findDuplicateOrders(engine)).examples.map((e) => e.orderId)).toEqual(['A', 'C', 'D']);
    await expect(assertNoDuplicateOrders(engine)).rejects.toMatchObject({
      name: 'OpsError',
      code: 'DUPLICATE_ORDERS',
      message: expect.stringMatching(/^refusing to export: 3 order_id\(s\) are loaded more than once/),
      hint: expect.stringContaining('npx ops etl --file NAME'),
    });
  });
});
