import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createViewsOn } from '../../../tools/commands/create-views.js';
import { exportOutputsOn } from '../../../tools/commands/export-outputs.js';
import { crawlDuckDb } from '../../../tools/duckdb/duckdb-catalog.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { jsonLines, tempLake, validOrder } from '../../lambda/support/orders.js';
import { addMartsFromViews } from '../../sql/fact-fixture.js';
import { monthlyRevenueRows, readValidRawOrders, toOracleOrders } from '../../support/metrics-oracle.js';
import type { SourcedRawOrder } from '../../support/oracle-orders.js';

/** 24 distinct orders over two months; files draw from them, so they overlap at random. */
const POOL = Array.from({ length: 24 }, (_, i) => validOrder(i + 1, 2025, 1 + (i % 2)));

/** Files of random orders of the pool, in random order, some repeated across and within files. */
const files = fc.array(
  fc.array(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 1, maxLength: 30 }),
  {
    minLength: 1,
    maxLength: 4,
  },
);

/** The oracle's monthly_revenue over the distinct orders of the raw files (copies are identical). */
async function oracleRevenue(lake: string): Promise<string[][]> {
  const distinct = new Map<string, SourcedRawOrder>();
  for (const o of await readValidRawOrders(lake)) if (!distinct.has(o.order_id)) distinct.set(o.order_id, o);
  return monthlyRevenueRows(toOracleOrders([...distinct.values()]));
}

describe('random files with random overlaps', () => {
  it('give the revenue of their distinct orders, and every copy beyond the first is quarantined', async () => {
    await fc.assert(
      fc.asyncProperty(files, async (picks) => {
        const lake = await tempLake();
        try {
          // A completed order in a file of its own, so every lake has something to export.
          await lake.store.put('raw/store_sales/orders_base.json', jsonLines([POOL[0]!]));
          for (const [k, pick] of picks.entries()) {
            await lake.store.put(`raw/store_sales/orders_f${k}.json`, jsonLines(pick.map((i) => POOL[i]!)));
          }
          const etl = await runLocalEtl({ lake: lake.root });
          await crawlDuckDb({ lake: lake.root });
          await createViewsOn({ target: 'local', lake: lake.root });
          await addMartsFromViews(lake.root);
          await exportOutputsOn({ target: 'local', lake: lake.root });

          const csv = await readFile(
            path.join(lake.root, 'analytics_outputs', 'monthly_revenue.csv'),
            'utf8',
          );
          const rows = csv
            .trim()
            .split('\n')
            .slice(1)
            .map((l) => l.split(','));
          expect(rows).toEqual(await oracleRevenue(lake.root));
          const read = etl.processed.reduce((n, r) => n + r.read, 0);
          const loaded = etl.processed.reduce((n, r) => n + r.loaded, 0);
          const distinct = new Set([0, ...picks.flat()]).size;
          expect(loaded).toBe(distinct);
          expect(etl.processed.reduce((n, r) => n + (r.byReason.duplicate_order_id ?? 0), 0)).toBe(
            read - distinct,
          );
        } finally {
          await lake.cleanup();
        }
      }),
      { numRuns: 8 },
    );
  }, 180_000);
});
