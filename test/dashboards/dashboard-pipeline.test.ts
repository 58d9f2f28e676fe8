import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE } from '../../contracts/lake-layout.js';
import { buildDashboard, type DashboardResult } from '../../dashboards/build-dashboard.js';
import { createViewsOn } from '../../tools/commands/create-views.js';
import { dashboardIo } from '../../tools/commands/dashboard.js';
import { exportOutputsOn } from '../../tools/commands/export-outputs.js';
import { crawlDuckDb } from '../../tools/duckdb/duckdb-catalog.js';
import { runLocalEtl } from '../../tools/etl/run-local-etl.js';
import { generateDataset } from '../../tools/generator/index.js';
import { lakePath } from '../../tools/lib/lake-path.js';
import { addMartsFromViews } from '../sql/fact-fixture.js';
import { inspectCharts, type LoadReport, launch, loadOffline } from './browser-harness.js';

/**
 * End to end on a small generated dataset: generate → etl → crawl → create-views →
 * export-outputs → dashboard, each step the library function behind its `ops` command.
 */
let lake: string;
let result: DashboardResult;
let browser: Browser;
let loaded: LoadReport;
beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'dash-e2e-'));
  await generateDataset({
    lake,
    from: '2025-01',
    months: 4,
    ordersPerMonth: 200,
    seed: 11,
    force: false,
  });
  await runLocalEtl({ lake });
  await crawlDuckDb({ lake });
  await createViewsOn({ lake, target: 'local' });
  await addMartsFromViews(lake);
  await exportOutputsOn({ lake, target: 'local' });
  result = await buildDashboard(
    { from: lakePath(lake, LAKE.csvExports), out: lakePath(lake, LAKE.dashboard) },
    dashboardIo,
  );
  browser = await launch();
  loaded = await loadOffline(browser, result.html);
});
afterAll(async () => {
  await browser?.close();
  await rm(lake, { recursive: true, force: true });
});

/** An exported CSV read with csv-parse directly, independently of the dashboard's reader. */
async function csv(file: string): Promise<Record<string, string>[]> {
  return parse(await readFile(path.join(lakePath(lake, LAKE.csvExports), file), 'utf8'), { columns: true });
}

describe('the dashboard over the real pipeline output', () => {
  it('covers every exported month and prints five pages', () => {
    expect(result).toMatchObject({ months: 4, asOf: '2025-04-01', pdfPages: 5 });
  });

  it('loads offline without errors and draws every chart with data', async () => {
    const charts = await inspectCharts(loaded.page);

    expect(loaded.errors).toEqual([]);
    expect(loaded.foreignRequests).toEqual([]);
    expect(charts.length).toBe(11);
    for (const c of charts) expect(c, c.id).toMatchObject({ seriesWithoutData: 0 });
  });

  it('shows KPI values equal to the exported CSV numbers', async () => {
    const monthly = await csv('monthly_revenue.csv');
    const mom = await csv('revenue_mom.csv');
    const churn = (await csv('monthly_churn.csv')).filter((r) => r.churn_rate !== '');
    const cents = monthly.reduce((s, r) => s + Math.round(Number(r.revenue_usd) * 100), 0);
    const orders = monthly.reduce((s, r) => s + Number(r.orders), 0);

    const tiles = await loaded.page.$$eval('[data-kpi]', (els) =>
      els.map((e) => [(e as HTMLElement).dataset.kpi, Number((e as HTMLElement).dataset.value)]),
    );

    expect(Object.fromEntries(tiles)).toEqual({
      revenue: cents / 100,
      orders,
      aov: Math.round(cents / orders) / 100,
      active_customers: Number(monthly.at(-1)?.active_customers),
      mom_growth: Number(mom.at(-1)?.mom_growth),
      churn: Number(churn.at(-1)?.churn_rate),
    });
  });
});
