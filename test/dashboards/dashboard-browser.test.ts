import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsError } from '../../contracts/ops-error.js';
import { buildDashboard, type DashboardResult } from '../../dashboards/build-dashboard.js';
import { fmtGrowth, fmtInt, fmtPct, fmtUsd, fmtUsdCompact } from '../../dashboards/format.js';
import { dashboardIo } from '../../tools/commands/dashboard.js';
import {
  countPdfPages,
  inspectCharts,
  type LoadReport,
  launch,
  loadOffline,
  pngSize,
} from './browser-harness.js';
import { expectedKpis, writeFixtureOutputs } from './fixtures.js';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const CHARTS = [
  'revenue-trend',
  'revenue-aov',
  'mom-cumulative',
  'category-revenue',
  'category-totals',
  'cohort-heatmap',
  'churn-active',
  'geo-revenue',
  'geo-aov',
  'geo-repeat',
  'geo-active',
];

let lake: string;
let result: DashboardResult;
let browser: Browser;
/** The dashboard as loaded once from file://; the tests below read it without changing it. */
let loaded: LoadReport;
beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'dash-browser-'));
  await writeFixtureOutputs(path.join(lake, 'analytics_outputs'));
  result = await buildDashboard(
    {
      from: path.join(lake, 'analytics_outputs'),
      out: path.join(lake, 'dashboard'),
      generatedAt: new Date('2025-05-02T08:00:00Z'),
    },
    dashboardIo,
  );
  browser = await launch();
  loaded = await loadOffline(browser, result.html);
  await mkdir(artifacts, { recursive: true });
  await copyFile(result.png, path.join(artifacts, 'dashboard.png'));
  await copyFile(result.pdf, path.join(artifacts, 'dashboard.pdf'));
});
afterAll(async () => {
  await browser?.close();
  await rm(lake, { recursive: true, force: true });
});

describe('the dashboard in a real browser', () => {
  it('loads from file:// with no console errors and no network requests', async () => {
    expect(loaded.errors).toEqual([]);
    expect(loaded.foreignRequests).toEqual([]);
  });

  it('the offline check fails a page that fetches anything (control)', async () => {
    const leaky = path.join(lake, 'leaky.html');
    const html = await readFile(result.html, 'utf8');
    const end = html.lastIndexOf('</body>');
    await writeFile(
      leaky,
      `${html.slice(0, end)}<img src="https://cdn.example.com/x.png">${html.slice(end)}`,
    );

    const { page, errors, foreignRequests } = await loadOffline(browser, leaky);

    expect([...errors, ...foreignRequests].join('\n')).toContain('cdn.example.com');
    await page.context().close();
  });

  it('renders every chart: series with data and a non-empty SVG', async () => {
    const { page } = loaded;

    const charts = await inspectCharts(page);

    expect(charts.map((c) => c.id)).toEqual(CHARTS);
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ seriesWithoutData: 0 });
      expect(c.series, c.id).toBeGreaterThan(0);
      expect(c.width, c.id).toBeGreaterThan(150);
      expect(c.height, c.id).toBeGreaterThan(150);
      expect(c.paths, c.id).toBeGreaterThan(3);
    }
  });

  it('shows KPI tiles whose values equal the numbers computed from the CSVs', async () => {
    const { page } = loaded;

    const tiles = await page.$$eval('[data-kpi]', (els) =>
      els.map((e) => ({
        id: (e as HTMLElement).dataset.kpi!,
        value: Number((e as HTMLElement).dataset.value),
        headline: e.querySelector('.kpi-value')?.textContent,
      })),
    );

    const expected = expectedKpis();
    expect(Object.fromEntries(tiles.map((t) => [t.id, t.value]))).toEqual(expected);
    expect(Object.fromEntries(tiles.map((t) => [t.id, t.headline]))).toEqual({
      revenue: fmtUsdCompact(expected.revenue),
      orders: fmtInt(expected.orders),
      aov: fmtUsd(expected.aov),
      active_customers: fmtInt(expected.active_customers),
      mom_growth: fmtGrowth(expected.mom_growth),
      churn: fmtPct(expected.churn),
    });
  });

  it('says what the data covers and defines each metric on the page', async () => {
    const { page } = loaded;

    const meta = await page.textContent('#executive .page-meta');
    const terms = await page.$$eval('#executive .defs dt', (els) => els.map((e) => e.textContent));
    const sectionsWithDefinitions = await page.$$eval(
      'section.page',
      (els) => els.filter((e) => e.querySelector('.defs dd')).length,
    );

    expect(meta).toContain('Data as of Apr 2025');
    expect(meta).toContain('Generated 2025-05-02 08:00 UTC');
    expect(terms).toEqual(['Revenue', 'Orders', 'AOV', 'Active customers', 'MoM growth', 'Churn']);
    expect(sectionsWithDefinitions).toBe(5);
  });

  it('prints a five-page PDF (one section per page) and a full-page PNG', async () => {
    const pdf = await readFile(result.pdf);
    const png = await readFile(result.png);

    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(countPdfPages(pdf)).toBe(5);
    expect(result.pdfPages).toBe(5);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pngSize(png).width).toBe(1360);
    expect(pngSize(png).height).toBeGreaterThan(2500);
  });
});

describe('without Chromium', () => {
  it('writes the HTML, removes an older PDF/PNG and says how to install Chromium', async () => {
    const out = path.join(lake, 'no-chromium');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'dashboard.pdf'), 'stale');
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = path.join(lake, 'no-such-chromium');
    try {
      const err = await buildDashboard(
        { from: path.join(lake, 'analytics_outputs'), out },
        dashboardIo,
      ).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(OpsError);
      expect(err).toMatchObject({ code: 'DASHBOARD_NO_CHROMIUM' });
      expect((err as OpsError).hint).toContain('install chromium (apt-get install -y chromium)');
      expect((err as OpsError).message).toContain('index.html was written');
      expect((await stat(path.join(out, 'index.html'))).size).toBeGreaterThan(100_000);
      await expect(stat(path.join(out, 'dashboard.pdf'))).rejects.toThrow(/ENOENT/);
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
