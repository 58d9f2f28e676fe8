import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
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
import { dataQualityRows, oracleOrdersFromLake } from '../support/metrics-oracle.js';
import { inspectCharts, type LoadReport, launch, loadOffline } from './browser-harness.js';

/**
 * End to end on a small generated dataset: generate → etl → crawl → create-views →
 * export-outputs → dashboard, each step the library function behind its `ops` command. The
 * generator writes only valid orders, so a few bad records are planted in two raw files first
 * (the data-quality section must count them).
 */
const JAN = 'raw/store_sales/orders_2025_01.json';
const FEB = 'raw/store_sales/orders_2025_02.json';

/**
 * Appends an unparsable line, a record with an unknown status and a copy of the first order; and
 * a valid cancelled order of December 2024, which opens the data window a month early with a
 * month that has no completed order (no revenue, an empty AOV).
 */
async function plantRecords(lake: string): Promise<void> {
  const jan = lakePath(lake, JAN);
  const first = (await readFile(jan, 'utf8')).split('\n')[0]!;
  const unknownStatus = first
    .replace(/"status":"[a-z]+"/, '"status":"lost_in_transit"')
    .replace(/"order_id":"ORD-(\d{8})-[0-9a-f]{8}"/, '"order_id":"ORD-$1-0badc0de"');
  const cancelledInDecember = first
    .replace(/\d{8}-[0-9a-f]{8}/g, '20241215-5eed0001')
    .replace(/"order_timestamp":"[^"]+"/, '"order_timestamp":"2024-12-15T10:00:00Z"')
    .replace(/"signup_date":"[^"]+"/, '"signup_date":"2024-01-01"')
    .replace(/"status":"completed"/, '"status":"cancelled"');
  await appendFile(jan, `{"order_id": broken\n${unknownStatus}\n${first}\n${cancelledInDecember}\n`);
  await appendFile(lakePath(lake, FEB), 'not json at all\n');
}

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
  await plantRecords(lake);
  await runLocalEtl({ lake });
  await crawlDuckDb({ lake });
  await createViewsOn({ lake, target: 'local' });
  await addMartsFromViews(lake);
  // no dbt run here (marts copied from views): dbt results come from an empty artifacts folder
  await exportOutputsOn({ lake, target: 'local', dbtArtifactsDir: path.join(lake, 'no-dbt') });
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
  it('covers every exported month, the one without completed orders too, and prints six pages', async () => {
    expect(result).toMatchObject({ months: 5, asOf: '2025-04-01', pdfPages: 6 });
    expect((await csv('monthly_revenue.csv'))[0]).toEqual({
      month: '2024-12-01',
      revenue_usd: '0.00',
      orders: '0',
      aov_usd: '',
      units: '0',
      active_customers: '0',
    });
  });

  it('loads offline without errors and draws every chart with data', async () => {
    const charts = await inspectCharts(loaded.page);

    expect(loaded.errors).toEqual([]);
    expect(loaded.foreignRequests).toEqual([]);
    expect(charts.length).toBe(14);
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

  it('#country=US shows revenue, orders and active customers equal to the US rows of the exports', async () => {
    const us = (await csv('monthly_sales_by_filter.csv')).filter(
      (r) => r.country === 'US' && r.sales_channel === 'all' && r.customer_segment === 'all',
    );
    const months = (await csv('monthly_revenue.csv')).map((r) => r.month);
    const cents = us.reduce((s, r) => s + Math.round(Number(r.revenue_usd) * 100), 0);
    const orders = us.reduce((s, r) => s + Number(r.orders), 0);
    const latest = us.find((r) => r.month === months.at(-1));
    const { page, errors } = await loadOffline(browser, result.html, '#country=US');

    const tiles = await page.$$eval('[data-kpi]', (els) =>
      Object.fromEntries(
        els.map((e) => [(e as HTMLElement).dataset.kpi, Number((e as HTMLElement).dataset.value)]),
      ),
    );
    const all = Object.fromEntries(
      (await loaded.page.$$eval('[data-kpi]', (els) =>
        els.map((e) => [(e as HTMLElement).dataset.kpi, Number((e as HTMLElement).dataset.value)]),
      )) as [string, number][],
    );

    expect(errors).toEqual([]);
    expect(us.length).toBe(4);
    expect({ revenue: tiles.revenue, orders: tiles.orders, active: tiles.active_customers }).toEqual({
      revenue: cents / 100,
      orders,
      active: Number(latest?.active_customers),
    });
    // a real filter: the US is a part of the store, not all of it
    expect(tiles.revenue).toBeLessThan(all.revenue!);
    expect(tiles.active_customers).toBeLessThan(all.active_customers!);
    await page.context().close();
  });

  it('data_quality.csv counts every raw record: loaded as the oracle, the planted ones quarantined by reason', async () => {
    const rows = await csv('data_quality.csv');
    const records = async (key: string) =>
      (await readFile(lakePath(lake, key), 'utf8')).split('\n').filter((l) => l.trim()).length;
    // the oracle's per-file loaded counts and dates, with read = the file's records
    const expected = [];
    for (const [month, file, , , loaded, , latest] of dataQualityRows(await oracleOrdersFromLake(lake))) {
      const read = await records(file!);
      expected.push([month, file, 'all', String(read), loaded, String(read - Number(loaded)), latest]);
    }

    expect(rows.filter((r) => r.reason === 'all').map((r) => Object.values(r))).toEqual(expected);
    expect(
      rows.filter((r) => r.reason !== 'all').map((r) => [r.source_file, r.reason, r.records_quarantined]),
    ).toEqual([
      [JAN, 'duplicate_order_id', '1'],
      [JAN, 'invalid_json', '1'],
      [JAN, 'schema_violation', '1'],
      [FEB, 'invalid_json', '1'],
    ]);
  });

  it('the data-quality section shows the counts of data_quality.csv and the freshness of the run', async () => {
    const rows = await csv('data_quality.csv');
    const files = rows.filter((r) => r.reason === 'all');
    const shown = await loaded.page.$$eval('[data-dq-files] tbody tr', (trs) =>
      trs.map((tr) => ({
        file: (tr as HTMLElement).dataset.dqFile,
        cells: Array.from(tr.querySelectorAll('th, td')).map((c) => c.textContent),
        reasons: Object.fromEntries(
          Array.from(tr.querySelectorAll('[data-dq-reason]')).map((c) => [
            (c as HTMLElement).dataset.dqReason,
            c.textContent,
          ]),
        ),
      })),
    );
    const reasonsOf = (file: string) =>
      Object.fromEntries(
        ['duplicate_order_id', 'invalid_json', 'schema_violation'].map((reason) => [
          reason,
          rows.find((r) => r.source_file === file && r.reason === reason)?.records_quarantined ?? '0',
        ]),
      );
    const int = (v: string) => Number(v).toLocaleString('en-US');

    expect(shown).toEqual(
      files.map((r) => ({
        file: r.source_file,
        cells: [
          r.source_file,
          expect.any(String),
          int(r.records_read!),
          int(r.records_loaded!),
          int(r.records_quarantined!),
          ...Object.values(reasonsOf(r.source_file!)),
        ],
        reasons: reasonsOf(r.source_file!),
      })),
    );
    const total = await loaded.page.$$eval('[data-dq-month="total"] td', (tds) =>
      tds.map((t) => t.textContent),
    );
    const sum = (k: string) => int(String(files.reduce((s, r) => s + Number(r[k]), 0)));
    expect(total.slice(0, 3)).toEqual([
      sum('records_read'),
      sum('records_loaded'),
      sum('records_quarantined'),
    ]);

    const freshness = await loaded.page.$$eval('[data-freshness] dd', (dds) => dds.map((d) => d.textContent));
    const meta = JSON.parse(
      await readFile(path.join(lakePath(lake, LAKE.csvExports), 'run_metadata.json'), 'utf8'),
    );
    expect(freshness).toEqual([
      files
        .map((r) => r.latest_order_date)
        .sort()
        .at(-1),
      `${meta.last_etl_run.slice(0, 16).replace('T', ' ')} UTC`,
      `${meta.refreshed_at.slice(0, 16).replace('T', ' ')} UTC`,
    ]);
    expect(await loaded.page.textContent('[data-dbt-summary]')).toMatch(/No dbt test results/);
  });
});
