import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { THIS_PROCESS } from '../../../lambda/core/leftovers.js';
import { withDbtTargetLock } from '../../../tools/engines/dbt-runner.js';
import { writeEtlState } from '../../../tools/etl/etl-state.js';
import { stagingFor, swapIntoPlace } from '../../../tools/exports/publish-local.js';
import { publishedInLake } from '../../../tools/exports/published.js';
import { dbtResultsSummary, lastEtlRun, runMetadata } from '../../../tools/exports/run-metadata.js';

// Publishing a refresh's results into the lake, and the run metadata written beside the CSVs.
let lake: string;
beforeEach(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'publish-'));
});
afterEach(() => rm(lake, { recursive: true, force: true }));

describe('publishing results into the lake', () => {
  it('stages beside the published folders and swaps each folder in whole', async () => {
    const published = publishedInLake(lake);
    expect(published).toEqual({
      csvDir: path.join(lake, 'analytics_outputs'),
      dashboardDir: path.join(lake, 'dashboard'),
    });
    const write = async (dir: string, files: Record<string, string>) => {
      await mkdir(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    };
    await write(published.csvDir, { 'old.csv': 'old', 'kept.csv': 'v1' });
    const staged = stagingFor(lake, 'r1');
    // named after the run and this process (lambda/core/leftovers.ts), for removeAbandonedStaging
    expect(staged).toEqual({
      csvDir: path.join(lake, `.refresh-r1.${THIS_PROCESS}`, 'analytics_outputs'),
      dashboardDir: path.join(lake, `.refresh-r1.${THIS_PROCESS}`, 'dashboard'),
    });
    await write(staged.csvDir, { 'kept.csv': 'v2' });
    await write(staged.dashboardDir, { 'index.html': '<html>' });

    expect(await swapIntoPlace(staged, published)).toBe(published);
    expect(await readdir(published.csvDir)).toEqual(['kept.csv']);
    expect(await readFile(path.join(published.csvDir, 'kept.csv'), 'utf8')).toBe('v2');
    expect(await readdir(published.dashboardDir)).toEqual(['index.html']);
    // nothing left aside or staged
    expect((await readdir(lake)).sort()).toEqual([
      `.refresh-r1.${THIS_PROCESS}`,
      'analytics_outputs',
      'dashboard',
    ]);
    expect(await readdir(path.join(lake, `.refresh-r1.${THIS_PROCESS}`))).toEqual([]);
    expect(existsSync(`${published.csvDir}.previous`)).toBe(false);
  });
});

describe('run metadata', () => {
  const results = (nodes: [string, string][], generatedAt?: string) =>
    JSON.stringify({
      ...(generatedAt ? { metadata: { generated_at: generatedAt } } : {}),
      results: nodes.map(([unique_id, status]) => ({ unique_id, status })),
    });

  it('counts dbt nodes per kind and status, warnings apart from failures, and lists the problems', async () => {
    const file = path.join(lake, 'run_results.json');
    await writeFile(
      file,
      results(
        [
          ['model.store_sales.stg_orders', 'success'],
          ['model.store_sales.mart_a', 'error'],
          ['model.store_sales.mart_b', 'skipped'],
          ['test.store_sales.not_null_x.abc', 'pass'],
          ['test.store_sales.unique_y.def', 'warn'],
          ['test.store_sales.rel_z.ghi', 'fail'],
          ['unit_test.store_sales.mart_a.ties', 'pass'],
          ['unit_test.store_sales.mart_a.empty', 'no-op'],
          ['seed.store_sales.fx', 'success'],
        ],
        '2026-12-02T10:00:00Z',
      ),
    );
    expect(await dbtResultsSummary(file)).toEqual({
      generated_at: '2026-12-02T10:00:00Z',
      models: { passed: 1, warned: 0, failed: 1, skipped: 1 },
      data_tests: { passed: 1, warned: 1, failed: 1, skipped: 0 },
      unit_tests: { passed: 1, warned: 0, failed: 0, skipped: 1 },
      problems: [
        { name: 'mart_a', status: 'error' },
        { name: 'unique_y.def', status: 'warn' },
        { name: 'rel_z.ghi', status: 'fail' },
      ],
    });
  });

  it('has no dbt summary without a readable run_results.json, and no ETL run without ETL state', async () => {
    const file = path.join(lake, 'run_results.json');
    expect(await dbtResultsSummary(file)).toBeNull();
    await writeFile(file, '{not json');
    expect(await dbtResultsSummary(file)).toBeNull();
    await writeFile(file, '{"results":{}}');
    expect(await dbtResultsSummary(file)).toBeNull();
    await writeFile(file, results([]));
    expect((await dbtResultsSummary(file))?.generated_at).toBe('');
    expect(await lastEtlRun(lake)).toBeNull();
  });

  it('takes the last ETL run from files that brought data: not from one that failed and never loaded', async () => {
    const source = (processedAt: string, files: string[], failed?: true) => ({
      size: 1,
      mtimeMs: 1,
      sha256: 'a'.repeat(64),
      etlVersion: 'v',
      processedAt,
      files,
      read: 1,
      loaded: files.length ? 1 : 0,
      quarantined: 0,
      ...(failed ? { failed } : {}),
    });
    const state = (sources: Record<string, ReturnType<typeof source>>) =>
      writeEtlState(lake, { version: 1, sources });
    const part = ['processed/store_sales/fact_orders/order_year=2025/order_month=01/part-a.parquet'];

    await state({ a: source('2026-12-01T00:00:00Z', part), b: source('2026-12-03T00:00:00Z', [], true) });
    expect(await lastEtlRun(lake)).toBe('2026-12-01T00:00:00Z');
    // failed after a successful run: its facts of that run are still published
    await state({ a: source('2026-12-01T00:00:00Z', part), b: source('2026-12-02T00:00:00Z', part, true) });
    expect(await lastEtlRun(lake)).toBe('2026-12-02T00:00:00Z');
  });

  it('writes the refresh time, the last ETL run and the dbt summary of an artifacts folder', async () => {
    const artifacts = path.join(lake, 'dbt');
    await mkdir(path.join(artifacts, 'target'), { recursive: true });
    await writeFile(path.join(artifacts, 'target', 'run_results.json'), results([['model.p.m', 'success']]));
    const now = new Date('2026-12-02T10:00:00Z');
    const meta = await runMetadata({ lake, dbtArtifactsDir: artifacts, now });
    expect(meta).toMatchObject({ refreshed_at: '2026-12-02T10:00:00.000Z', last_etl_run: null });
    expect(meta.dbt?.models).toEqual({ passed: 1, warned: 0, failed: 0, skipped: 0 });
    expect((await runMetadata({ dbtArtifactsDir: lake, now })).dbt).toBeNull();
  });

  it('reads the dbt summary after a dbt run in progress in that folder, not before it', async () => {
    const artifacts = path.join(lake, 'dbt');
    const file = path.join(artifacts, 'target', 'run_results.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, results([['model.p.m', 'success']]));
    let meta: ReturnType<typeof runMetadata> | undefined;
    // a dbt run holds the folder, and writes its results before it lets go
    await withDbtTargetLock(path.dirname(file), async () => {
      meta = runMetadata({ dbtArtifactsDir: artifacts });
      await new Promise((r) => setTimeout(r, 1000));
      await writeFile(file, results([['model.p.m', 'error']]));
    });
    expect((await meta)?.dbt?.models).toEqual({ passed: 0, warned: 0, failed: 1, skipped: 0 });
  });
});
