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
  inspectAxes,
  inspectCharts,
  type LoadReport,
  launch,
  loadOffline,
  pngSize,
} from './browser-harness.js';
import {
  COUNTRIES,
  expectedKpis,
  MONTHS,
  ORDERS,
  QUARANTINED,
  REVENUE,
  writeFixtureOutputs,
} from './fixtures.js';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
/** Each chart and the series it draws: one measure per chart, never two on unrelated axes. */
const SERIES_PER_CHART = {
  'revenue-trend': ['Revenue'],
  'orders-trend': ['Orders'],
  'aov-trend': ['AOV'],
  'mom-growth': ['MoM growth'],
  'cumulative-revenue': ['Cumulative revenue'],
  'category-revenue': ['Electronics', 'Home', 'Apparel'],
  'category-totals': ['Revenue'],
  'cohort-heatmap': ['Cohort month', 'Retention'],
  'active-customers': ['Returning', 'New'],
  'churn-rate': ['Churn rate'],
  'geo-revenue': ['Revenue'],
  'geo-aov': ['AOV'],
  'geo-repeat': ['Repeat rate'],
  'geo-active': ['Active customers'],
};
const CHARTS = Object.keys(SERIES_PER_CHART);

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
    expect(sectionsWithDefinitions).toBe(5); // the data-quality page explains itself in a note
  });

  it('prints a six-page PDF (one section per page) and a full-page PNG', async () => {
    const pdf = await readFile(result.pdf);
    const png = await readFile(result.png);

    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(countPdfPages(pdf)).toBe(6);
    expect(result.pdfPages).toBe(6);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pngSize(png).width).toBe(1360);
    expect(pngSize(png).height).toBeGreaterThan(2500);
  });
});

describe('charts that do not mislead (issue 21, point 5)', () => {
  it('draws one measure per chart: the pinned series, on one visible value axis', async () => {
    const charts = await inspectAxes(loaded.page);

    expect(Object.fromEntries(charts.map((c) => [c.id, c.series.map((s) => s.name)]))).toEqual(
      SERIES_PER_CHART,
    );
    for (const c of charts.filter((c) => c.id !== 'cohort-heatmap')) expect(c.valueAxes, c.id).toBe(1);
  });

  it('starts every bar axis at zero (or below, for signed growth), and every unmarked line axis at zero', async () => {
    const charts = await inspectAxes(loaded.page);

    for (const c of charts) {
      for (const s of c.series.filter((s) => s.type === 'bar')) {
        expect(s.axisMin, `${c.id} ${s.name}`).toBe(Math.min(0, s.axisMin ?? 0));
        if ((s.minValue ?? 0) >= 0) expect(s.axisMin, `${c.id} ${s.name}`).toBe(0);
      }
      for (const s of c.series.filter((s) => s.type === 'line')) {
        if (!c.axisNote) expect(s.axisMin, `${c.id} ${s.name}`).toBe(0);
      }
    }
    // the AOV line is fitted to its data, and its figure says so
    const aov = charts.find((c) => c.id === 'aov-trend')!;
    expect(aov.series[0]!.axisMin).toBeGreaterThan(0);
    expect(aov.axisNote).toBe(true);
  });

  it('labels categories and countries for people, and states the period of every figure', async () => {
    const charts = await inspectAxes(loaded.page);
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
    const captions = await loaded.page.$$eval('figure figcaption > p:not(.unfiltered-note)', (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    const howTo = await loaded.page.textContent('#retention .how-to-read');

    expect(byId['category-totals']!.categories).toEqual(['Electronics', 'Home', 'Apparel']);
    expect(byId['geo-revenue']!.categories).toEqual(['United States', 'United Kingdom']);
    expect(byId['revenue-trend']!.categories).toEqual(['Jan 2025', 'Feb 2025', 'Mar 2025', 'Apr 2025']);
    for (const caption of captions) expect(caption).toMatch(/Jan 2025 – Apr 2025|Apr 2025/);
    expect(captions.filter((c) => c.startsWith('Latest month only'))).toHaveLength(2);
    expect(howTo).toMatch(/churn/i);
    expect(howTo).toMatch(/repeat rate/i);
  });
});

describe('filters in the URL hash', () => {
  it('#country=US shows the US figures in the tiles, on every page and in the filter controls', async () => {
    const { page, errors } = await loadOffline(browser, result.html, '#country=US');
    const share = COUNTRIES.US.share;
    const usRevenueCents = REVENUE.reduce((s, v) => s + Math.round(Math.round(v * share * 100)), 0);

    const tiles = await page.$$eval('[data-kpi]', (els) =>
      Object.fromEntries(
        els.map((e) => [(e as HTMLElement).dataset.kpi, Number((e as HTMLElement).dataset.value)]),
      ),
    );
    const states = await page.$$eval('[data-filter-state]', (els) => els.map((e) => e.textContent));
    const select = await page.$eval('select[name="country"]', (e) => (e as HTMLSelectElement).value);
    const notes = await page.$$eval('.unfiltered-note:not([hidden])', (els) => els.length);

    expect(errors).toEqual([]);
    expect(tiles.revenue).toBe(usRevenueCents / 100);
    expect(tiles.revenue).toBeLessThan(expectedKpis().revenue);
    expect(states).toHaveLength(7); // the filter bar and the header of each of the six pages
    for (const s of states) expect(s).toBe('Filtered: Country: United States');
    expect(select).toBe('US');
    // category charts and the cohort heatmap cannot be filtered by country: they say so
    expect(notes).toBe(3);
    await page.context().close();
  });

  it('reads #country=us as US and drops a value the data lacks (#country=XX shows all data), fixing the address', async () => {
    const seen = async (hash: string) => {
      const { page, errors } = await loadOffline(browser, result.html, hash);
      const view = await page.evaluate(() => ({
        hash: location.hash,
        revenue: Number(document.querySelector<HTMLElement>('[data-kpi="revenue"]')?.dataset.value),
        state: document.querySelector('.filter-state')?.textContent,
        select: document.querySelector<HTMLSelectElement>('select[name="country"]')?.value,
      }));
      await page.context().close();
      return { ...view, errors };
    };
    const share = COUNTRIES.US.share;
    const usRevenue = REVENUE.reduce((s, v) => s + Math.round(Math.round(v * share * 100)), 0) / 100;

    expect(await seen('#country=us')).toEqual({
      hash: '#country=US',
      revenue: usRevenue,
      state: 'Filtered: Country: United States',
      select: 'US',
      errors: [],
    });
    expect(await seen('#country=XX')).toEqual({
      hash: '',
      revenue: expectedKpis().revenue,
      state: 'All data (no filter)',
      select: '',
      errors: [],
    });
  });

  it('changes the hash from the keyboard-reachable controls, and reset clears it', async () => {
    const { page } = await loadOffline(browser, result.html);
    const focusable: string[] = [];
    for (let i = 0; i < 13; i += 1) {
      await page.keyboard.press('Tab');
      focusable.push(
        await page.evaluate(() => {
          const a = document.activeElement as HTMLElement;
          return a.getAttribute('name') ?? a.textContent?.trim() ?? '';
        }),
      );
    }

    await page.focus('select[name="country"]');
    await page.selectOption('select[name="country"]', 'UK');
    const hash = await page.evaluate(() => location.hash);
    await page.click('button[type="reset"]');
    const cleared = await page.evaluate(() => location.hash.replace(/^#$/, ''));
    const state = await page.textContent('.filter-state');

    expect(focusable).toEqual(
      expect.arrayContaining(['country', 'channel', 'segment', 'category', 'Reset filters']),
    );
    expect(hash).toBe('#country=UK');
    expect(cleared).toBe('');
    expect(state).toBe('All data (no filter)');
    await page.context().close();
  });
});

describe('data quality', () => {
  it('shows records per file with a column per reason, says what it cannot know, and ignores the filters', async () => {
    const { page } = await loadOffline(browser, result.html, '#country=US');
    const jan = await page.$$eval(
      '[data-dq-file="raw/store_sales/orders_2025_01.json"] th, [data-dq-file="raw/store_sales/orders_2025_01.json"] td',
      (els) => els.map((e) => e.textContent),
    );
    const headers = await page.$$eval('[data-dq-files] thead th', (els) => els.map((e) => e.textContent));
    const total = await page.$$eval('[data-dq-month="total"] td', (els) => els.map((e) => e.textContent));
    const reads = ORDERS.reduce((s, n) => s + n, 0) + QUARANTINED;

    expect(headers).toEqual(['Source file', 'Month', 'Read', 'Loaded', 'Quarantined', 'Invalid JSON']);
    expect(jan).toEqual([
      'raw/store_sales/orders_2025_01.json',
      'Jan 2025',
      String(ORDERS[0]! + QUARANTINED),
      String(ORDERS[0]),
      String(QUARANTINED),
      String(QUARANTINED),
    ]);
    // a filter does not change record counts
    expect(total.slice(0, 3)).toEqual([
      reads.toLocaleString('en-US'),
      (reads - QUARANTINED).toLocaleString('en-US'),
      '3',
    ]);
    // the fixture export has no run_metadata.json
    expect(await page.textContent('[data-freshness="last-refresh"] dd')).toBe('no run metadata');
    expect(await page.textContent('[data-dbt-summary]')).toMatch(/No dbt test results/);
    await page.context().close();
  });
});

describe('accessibility', () => {
  it('gives every chart a data table with one row per category', async () => {
    const tables = await loaded.page.$$eval('[data-chart]', (els) =>
      els.map((el) => ({
        id: (el as HTMLElement).dataset.chart,
        rows:
          el.closest('figure')?.querySelectorAll('.data-table tbody tr, .data-table table tr').length ?? 0,
        label: el.getAttribute('aria-label') ?? '',
      })),
    );

    for (const t of tables) {
      expect(t.rows, t.id).toBeGreaterThan(1);
      expect(t.label, t.id).toContain('data table');
    }
    const revenue = await loaded.page.$eval(
      'figure:has([data-chart="revenue-trend"]) .data-table table',
      (e) => e.textContent ?? '',
    );
    expect(revenue).toContain('Jan 2025');
    expect(revenue).toContain(fmtUsd(REVENUE[0]!));
    expect(MONTHS).toHaveLength(4);
  });

  it('prints the filter state at the top of every page', async () => {
    const { page } = await loadOffline(browser, result.html, '#country=US');
    await page.emulateMedia({ media: 'print' });

    const printed = await page.$$eval('section.page', (els) =>
      els.map((e) => {
        const s = e.querySelector('[data-filter-state]') as HTMLElement | null;
        return s && s.offsetParent !== null ? s.textContent : null;
      }),
    );

    expect(printed).toEqual(Array(6).fill('Filtered: Country: United States'));
    await page.context().close();
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
