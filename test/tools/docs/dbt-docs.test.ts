import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE } from '../../../contracts/lake-layout.js';
import { OpsError } from '../../../contracts/ops-error.js';
import { buildLakeDashboard } from '../../../tools/commands/dashboard.js';
import { exportOutputsOn } from '../../../tools/commands/export-outputs.js';
import { runTransform } from '../../../tools/commands/transform.js';
import { generateDocs } from '../../../tools/docs/dbt-docs.js';
import { openDuckDbEngine } from '../../../tools/duckdb/duckdb-engine.js';
import { lakePath } from '../../../tools/lib/lake-path.js';
import { launch } from '../../dashboards/browser-harness.js';
import { buildLake } from '../../dbt/dbt-lake.js';

/**
 * `ops docs` on a real lake: generate → etl → crawl → dbt build → dbt docs generate --static,
 * then the dashboard's docs link followed in headless Chromium from file://, offline.
 */
let lake: string;
let browser: Browser;
let docs: Awaited<ReturnType<typeof generateDocs>>;
let dashboardHtml: string;
beforeAll(async () => {
  lake = await buildLake(60, 'docs-lake-');
  await runTransform({ target: 'local', lake, artifactsDir: path.join(lake, '.dbt'), onLine: () => {} });
  docs = await generateDocs({ lake, onLine: () => {} });
  await exportOutputsOn({ lake, target: 'local' });
  const out = lakePath(lake, LAKE.dashboard);
  dashboardHtml = path.join(out, 'index.html');
  // as `ops dashboard` builds it, now that the docs exist
  await buildLakeDashboard({ target: 'local', lake, from: lakePath(lake, LAKE.csvExports), out }).catch(
    () => undefined,
  );
  await stat(dashboardHtml);
  browser = await launch();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await rm(lake, { recursive: true, force: true });
});

describe('ops docs', () => {
  it('writes one self-contained page under <lake>/docs with the manifest and catalog inlined', async () => {
    const html = await readFile(docs.index, 'utf8');

    expect(docs.index).toBe(path.join(lake, 'docs', 'index.html'));
    expect(docs.models).toBeGreaterThanOrEqual(13);
    expect(html).toContain('mart_monthly_sales_by_filter');
    expect(html).toContain('int_customer_cohorts');
  });

  it('is linked from the dashboard, and the link opens the docs offline with models and lineage', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const foreign: string[] = [];
    const errors: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://') || url.startsWith('data:') || url.startsWith('blob:'))
        return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(dashboardHtml).href);
    const href = await page.$eval('a[data-docs-link]', (a) => (a as HTMLAnchorElement).href);

    await page.click('a[data-docs-link]');
    await page.waitForURL(/docs\/index\.html/);
    // innerText on purpose: what is rendered, not the templates and hidden search results
    const shows = (text: string) =>
      // biome-ignore lint/performance/useDomNodeTextContent: the visible text is what is tested
      page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: 30_000 });
    const dependsOn = async () => {
      await shows('Depends On');
      // biome-ignore lint/performance/useDomNodeTextContent: the visible text is what is tested
      return page.evaluate(() => document.body.innerText.split('Depends On').at(-1)?.split('Code')[0] ?? '');
    };
    await shows('Sources');
    // the lineage, one hop at a time: mart ← intermediate and staging models ← the fact-table source
    await page.goto(`${href}#!/model/model.store_sales.mart_monthly_revenue`);
    const martParents = await dependsOn();
    await page.goto(`${href}#!/model/model.store_sales.stg_fact_orders`);
    const stagingParents = await dependsOn();

    expect(martParents).toContain('int_observed_months');
    expect(martParents).toContain('stg_fact_orders');
    expect(stagingParents).toContain('fact_orders');
    expect(fileURLToPath(href)).toBe(docs.index);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('fails with a hint to run transform first on a lake without a warehouse', async () => {
    const empty = path.join(lake, 'empty-lake');
    const err = await generateDocs({ lake: empty, onLine: () => {} }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OpsError);
    expect(err).toMatchObject({ code: 'NO_WAREHOUSE' });
    // the steps that make a warehouse, in order, and no dbt log: none was written
    expect((err as OpsError).hint).toMatch(/`npx ops etl`, `npx ops crawl` and `npx ops transform`/);
    expect((err as OpsError).hint).not.toContain('dbt.log');
  });

  it('says another process holds the warehouse when one has it open, not to run transform', async () => {
    const holder = await openDuckDbEngine(lakePath(lake, LAKE.warehouse));
    try {
      const err = await generateDocs({ lake, onLine: () => {} }).catch((e: unknown) => e);

      expect(err).toMatchObject({ code: 'DOCS_FAILED', message: expect.stringMatching(/lock/) });
      expect((err as OpsError).hint).toMatch(/another process holds the warehouse open/);
    } finally {
      await holder.close();
    }
  }, 120_000);
});
