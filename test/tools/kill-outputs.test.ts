import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_METADATA_FILE } from '../../contracts/csv-exports.js';
import { openDuckDbEngine } from '../../tools/duckdb/duckdb-engine.js';
import { warehousePath } from '../../tools/duckdb/warehouse.js';
import { createViews, SQL_DIR } from '../../tools/engines/create-views.js';
import { writeFixtureOutputs } from '../dashboards/fixtures.js';
import { type FixtureOrder, factTablesSql, martsFromViewsSql } from '../sql/fact-fixture.js';
import {
  bundleOps,
  hashTree,
  type OpsRun,
  removeRunTempDirs,
  runOps,
  seededRandom,
} from '../support/kill-harness.js';

// Issue 15, point 5: `ops export-outputs` and `ops dashboard` SIGKILLed at seeded random times
// never leave a half-written file: every file under its real name is the old version or a
// complete new one, and a re-run ends with exactly the new outputs (no temporary left).

const KILLS = Math.max(2, Math.min(Number(process.env.STORE_SALES_KILLS ?? 3), 20));
const random = seededRandom(Number(process.env.STORE_SALES_KILL_SEED ?? 15));

let work: string;
let lake: string;
let ops: Awaited<ReturnType<typeof bundleOps>> | undefined;

const ok = (run: OpsRun) => expect(run.code, run.stderr.slice(-2000)).toBe(0);

/** `dir` filled with a whole, recognisable "old" version of each of `names`. */
async function oldVersion(dir: string, names: string[]): Promise<Record<string, string>> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const name of names) await writeFile(path.join(dir, name), `old ${name}\n`);
  return hashTree(dir);
}

/** Any file under its real name must be the old version or a complete new one. */
function expectOldOrNew(
  left: Record<string, string>,
  old: Record<string, string>,
  complete: (rel: string, hash: string) => Promise<boolean> | boolean,
  label: string,
) {
  return Promise.all(
    Object.entries(left).map(async ([rel, hash]) =>
      expect(hash === old[rel] || (await complete(rel, hash)), `${rel} after ${label}`).toBe(true),
    ),
  );
}

/** After a whole run: none of the hidden temporaries a kill leaves is left (tools/lib/fs-atomic.ts). */
async function expectNoTemporaries(dir: string) {
  expect(Object.keys(await hashTree(dir, { hidden: true })).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

const RUN_METADATA = RUN_METADATA_FILE;
/** A complete run_metadata.json: JSON with the refresh time (a cut-off file does not parse). */
async function wholeMetadata(file: string): Promise<boolean> {
  try {
    return typeof JSON.parse(await readFile(file, 'utf8')).refreshed_at === 'string';
  } catch {
    return false;
  }
}

const orders: FixtureOrder[] = Array.from({ length: 60 }, (_, i) => ({
  id: `ORD-2025${String(1 + (i % 12)).padStart(2, '0')}01-${(0x10000000 + i).toString(16)}`,
  date: `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`,
  status: (['completed', 'completed', 'cancelled', 'returned'] as const)[i % 4] as FixtureOrder['status'],
  customer: `C${i % 9}`,
  country: ['DE', 'US', 'UK'][i % 3] as string,
  lines: [{ category: ['books', 'electronics'][i % 2] as string, usd: '20.00' }],
}));

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'kill-outputs-'));
  lake = path.join(work, 'lake');
  ops = await bundleOps();
  await mkdir(lake, { recursive: true });
  const engine = await openDuckDbEngine(warehousePath(lake));
  try {
    for (const sql of factTablesSql(orders)) await engine.exec(sql);
    await createViews(engine, SQL_DIR, { quality: true });
    for (const sql of martsFromViewsSql()) await engine.exec(sql);
  } finally {
    await engine.close();
  }
}, 120_000);
afterAll(async () => {
  await removeRunTempDirs();
  await rm(work, { recursive: true, force: true });
  await ops?.remove();
});

describe('SIGKILL never leaves a half-written output', () => {
  it('ops export-outputs: each CSV is old or new after every kill; a re-run gives the new set', async () => {
    const fresh = path.join(work, 'csv-new');
    const started = performance.now();
    ok(await runOps(['export-outputs', '--lake', lake, '--out', fresh], undefined, { entry: ops?.entry }));
    const took = performance.now() - started;
    const next = await hashTree(fresh);
    const names = Object.keys(next);
    expect(names.length).toBeGreaterThanOrEqual(7);

    const out = path.join(work, 'csv');
    for (let i = 0; i < KILLS; i++) {
      const old = await oldVersion(out, names);
      const delayMs = Math.floor(random() * took);
      const run = await runOps(
        ['export-outputs', '--lake', lake, '--out', out],
        { delayMs },
        { entry: ops?.entry },
      );
      await expectOldOrNew(
        await hashTree(out),
        old,
        // run_metadata.json names the run's time: whole means it parses as the run's record.
        async (rel, hash) => (rel === RUN_METADATA ? wholeMetadata(path.join(out, rel)) : hash === next[rel]),
        `kill ${i} at ${delayMs} ms (killed: ${run.killed})`,
      );
    }
    ok(await runOps(['export-outputs', '--lake', lake, '--out', out], undefined, { entry: ops?.entry }));
    await expectNoTemporaries(out);
    const { [RUN_METADATA]: metadata, ...csvs } = await hashTree(out);
    const { [RUN_METADATA]: _, ...expected } = next;
    expect(csvs).toEqual(expected);
    expect(metadata && (await wholeMetadata(path.join(out, RUN_METADATA)))).toBe(true);
  }, 300_000);

  it('ops dashboard: index.html, the PDF and the PNG are each old or complete after every kill', async () => {
    // The dashboard suite's CSVs (realistic shapes the renderer accepts), not the tiny export above.
    const csv = path.join(work, 'dash-csv');
    await writeFixtureOutputs(csv);
    const fresh = path.join(work, 'dash-new');
    const started = performance.now();
    ok(await runOps(['dashboard', '--from', csv, '--out', fresh]));
    const took = performance.now() - started;
    const names = Object.keys(await hashTree(fresh)).sort();
    expect(names).toEqual(['dashboard.pdf', 'dashboard.png', 'index.html']);
    // The page names the minute it was generated (in more than one place); all else must match byte for byte.
    const unstamped = (text: string) => text.replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g, '<stamp>');
    const html = unstamped(await readFile(path.join(fresh, 'index.html'), 'utf8'));

    /** A whole file of its kind (PDF and PNG bytes carry timestamps, so they are checked by structure). */
    const complete = (dir: string) => async (rel: string) => {
      const bytes = await readFile(path.join(dir, rel));
      if (rel === 'index.html') {
        const text = bytes.toString('utf8');
        // Whole: the page of this run, or (structurally) a page that ends where a page ends.
        return (
          unstamped(text) === html ||
          (text.startsWith('<!doctype html>') && text.trimEnd().endsWith('</html>'))
        );
      }
      if (rel === 'dashboard.pdf')
        return (
          bytes.subarray(0, 5).toString() === '%PDF-' && bytes.subarray(-32).toString().includes('%%EOF')
        );
      if (rel === 'dashboard.png')
        return (
          bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) &&
          bytes.subarray(-8, -4).toString() === 'IEND'
        );
      return false;
    };
    const out = path.join(work, 'dash');
    for (let i = 0; i < Math.min(KILLS, 3); i++) {
      const old = await oldVersion(out, names);
      const delayMs = Math.floor(random() * took);
      const run = await runOps(['dashboard', '--from', csv, '--out', out], { delayMs });
      await expectOldOrNew(
        await hashTree(out),
        old,
        complete(out),
        `kill ${i} at ${delayMs} ms (killed: ${run.killed})`,
      );
    }
    ok(await runOps(['dashboard', '--from', csv, '--out', out]));
    await expectNoTemporaries(out);
    for (const name of names) expect(await complete(out)(name)).toBe(true);
  }, 300_000);

  it('ops transform told to stop by SIGINT while dbt starts: prints no dbt traceback and no error', async () => {
    const small = path.join(work, 'transform-lake');
    for (const step of [['generate', '--months', '1', '--orders-per-month', '200'], ['etl'], ['crawl']])
      ok(await runOps([...step, '--lake', small]));
    // a second after the line (printed once dbt's target folder is ours, just before dbt starts),
    // dbt is importing its modules (it takes ~3 s to start here)
    const run = await runOps(['transform', '--lake', small], {
      after: (line) => line.includes('transform: dbt build'),
      delayMs: 1000,
      signal: 'SIGINT',
    });

    expect(run.killed, run.stderr).toBe(true);
    expect(run.stderr).not.toMatch(/dbt \||Traceback|KeyboardInterrupt|error \[/);
  }, 60_000);

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'ops dashboard told to stop by %s while Chromium prints: ends by that signal, with no print error and no PDF',
    async (signal) => {
      const csv = path.join(work, `dash-csv-${signal}`);
      await writeFixtureOutputs(csv);
      const out = path.join(work, `dash-${signal}`);

      // 700 ms after the line: Chromium has started (~0.3 s), the print is not done (over 1.2 s here)
      const run = await runOps(['dashboard', '--from', csv, '--out', out], {
        after: (line) => line.includes('printing PDF and PNG'),
        delayMs: 700,
        signal,
      });

      expect(run.killed).toBe(true);
      expect({ code: run.code, signal: run.signal }).toEqual({ code: null, signal });
      expect(run.stderr).not.toMatch(/error \[/);
      expect(Object.keys(await hashTree(out)).sort()).toEqual(['index.html']);
    },
    60_000,
  );
});
