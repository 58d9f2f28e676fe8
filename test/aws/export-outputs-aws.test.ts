import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_EXPORTS } from '../../contracts/csv-exports.js';
import { athenaEngineFor } from '../../tools/aws/athena-engine.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { warehousePath } from '../../tools/duckdb/warehouse.js';
import { createViews, SQL_DIR } from '../../tools/engines/create-views.js';
import type { QueryEngine } from '../../tools/engines/query-engine.js';
import { exportOutputs } from '../../tools/exports/export-outputs.js';
import { type FixtureOrder, factTablesSql, martsFromViewsSql } from '../sql/fact-fixture.js';
import {
  asAthenaResult,
  athenaPaging,
  registerAthenaResults,
  type StubResult,
} from './support/athena-stubs.js';
import { STACK, useTestbed } from './support/testbed.js';

const bed = useTestbed();
let lake: string;

const COUNTRIES = ['US', 'DE', 'IN'];
const CATEGORIES = ['books', 'electronics', 'grocery'];
/** Four months of orders: repeat and lapsed customers, every status, a few categories. */
const ORDERS: FixtureOrder[] = Array.from({ length: 40 }, (_, i) => ({
  id: `O${i}`,
  date: `2025-0${1 + (i % 4)}-${String(1 + (i % 27)).padStart(2, '0')}`,
  status: i % 9 === 0 ? 'cancelled' : i % 13 === 0 ? 'returned' : 'completed',
  customer: `C${i % 7}`,
  country: COUNTRIES[(i % 7) % 3] as string,
  lines: [
    { category: CATEGORIES[i % 3] as string, usd: `${10 + i}.${String((i * 37) % 100).padStart(2, '0')}` },
    ...(i % 2 ? [{ category: CATEGORIES[(i + 1) % 3] as string, usd: '5.05' }] : []),
  ],
}));

beforeAll(async () => {
  await bed.clients.athena.send(new CreateWorkGroupCommand({ Name: STACK.workgroup }));
  lake = await mkdtemp(path.join(os.tmpdir(), 'aws-export-'));
  const engine = await openDuckDbEngine(warehousePath(lake));
  try {
    for (const sql of factTablesSql(ORDERS)) await engine.exec(sql);
    await createViews(engine, SQL_DIR, { quality: true });
    for (const sql of martsFromViewsSql()) await engine.exec(sql);
  } finally {
    await engine.close();
  }
});
afterAll(() => rm(lake, { recursive: true, force: true }));

describe('export-outputs --target aws (moto Athena)', () => {
  it('writes CSVs byte-identical to the local export for the same rows, paging through results', async () => {
    const localDir = path.join(lake, 'local');
    const awsDir = path.join(lake, 'aws');
    // The local export, recording each query it runs, in order.
    const asked: string[] = [];
    const duck = await openDuckDbEngine(warehousePath(lake), { readOnly: true });
    const recording: QueryEngine = {
      ...duck,
      query: (sql) => {
        asked.push(sql);
        return duck.query(sql);
      },
    };
    await exportOutputs(recording, localDir).finally(() => duck.close());
    // Athena answers the same queries, in the same order, with the same rows as text.
    const results: StubResult[] = [];
    for (const sql of asked) results.push(await asAthenaResult(warehousePath(lake), sql));
    await registerAthenaResults(bed.moto, results);
    bed.proxy.use(athenaPaging);

    const result = await exportOutputs(
      athenaEngineFor(bed.config, bed.clients, { timeoutMs: 10_000, pageSize: 5, initialDelayMs: 10 }),
      awsDir,
    );

    expect(result.files.map((f) => f.file)).toEqual(CSV_EXPORTS.map((o) => o.file));
    for (const { file, rows } of result.files) {
      const local = await readFile(path.join(localDir, file), 'utf8');
      expect(await readFile(path.join(awsDir, file), 'utf8'), file).toBe(local);
      expect(rows, file).toBe(local.trimEnd().split('\n').length - 1);
    }
    expect(bed.proxy.callsTo('AmazonAthena.StartQueryExecution')).toHaveLength(asked.length);
    const pages = bed.proxy.callsTo('AmazonAthena.GetQueryResults').length;
    expect(pages).toBeGreaterThan(asked.length);
  });
});
