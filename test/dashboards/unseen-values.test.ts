import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKE } from '../../contracts/lake-layout.js';
import { buildChartData, type ChartData } from '../../dashboards/chart-data.js';
import { buildHighlights } from '../../dashboards/highlights.js';
import { buildKpis } from '../../dashboards/kpis.js';
import { type Outputs, readOutputs } from '../../dashboards/read-outputs.js';
import { renderHtml } from '../../dashboards/render-html.js';
import { createViewsOn } from '../../tools/commands/create-views.js';
import { exportOutputsOn } from '../../tools/commands/export-outputs.js';
import { runTransform } from '../../tools/commands/transform.js';
import { crawlDuckDb } from '../../tools/duckdb/duckdb-catalog.js';
import { runLocalEtl } from '../../tools/etl/run-local-etl.js';
import { generateDataset } from '../../tools/generator/index.js';
import { lakePath } from '../../tools/lib/lake-path.js';
import { spanishShopOrder } from '../lambda/support/shop-orders.js';

/**
 * A country and a category the generator never writes (Spain, `Garden & Patio`) go through the
 * local pipeline beside generated data: etl → crawl → create-views → transform (dbt build) →
 * export-outputs → chart data.
 */
let lake: string;
let outputs: Outputs;
let charts: ChartData;
beforeAll(async () => {
  lake = await mkdtemp(path.join(os.tmpdir(), 'unseen-values-'));
  await generateDataset({ lake, from: '2025-01', months: 2, ordersPerMonth: 100, seed: 5, force: false });
  const shopFile = lakePath(lake, `${LAKE.rawPrefix}shop_orders_2025_01.jsonl`);
  await writeFile(shopFile, `${JSON.stringify(spanishShopOrder())}\n`);
  const etl = await runLocalEtl({ lake });
  expect(etl.processed.map((r) => r.quarantined)).toEqual([0, 0, 0]);
  await crawlDuckDb({ lake });
  await createViewsOn({ lake, target: 'local' });
  // The real dbt build: its data tests must accept a country and a category they never saw.
  await runTransform({ lake, target: 'local', artifactsDir: path.join(lake, '.dbt'), onLine: () => {} });
  await exportOutputsOn({ lake, target: 'local' });
  outputs = await readOutputs(lakePath(lake, LAKE.csvExports));
  charts = buildChartData(outputs);
}, 300_000);
afterAll(async () => {
  await rm(lake, { recursive: true, force: true });
});

describe('values the generator never writes', () => {
  it('appear in the exports: Spain in geography, garden_patio in category sales', () => {
    const es = outputs['geo_engagement.csv'].filter((r) => r.country === 'ES');
    expect(es).toEqual([expect.objectContaining({ month: '2025-01-01', orders: 1, active_customers: 1 })]);
    const garden = outputs['category_sales_monthly.csv'].filter((r) => r.category === 'garden_patio');
    expect(garden).toEqual([expect.objectContaining({ month: '2025-01-01', orders: 1 })]);
    expect(garden[0]?.revenue_usd).toBeGreaterThan(0);
  });

  it('appear in the dashboard data, with a colour slot, ordered by revenue like the others', () => {
    const names = charts.categories.map((c) => c.name);
    expect(names).toContain('garden_patio');
    const revenues = charts.categories.map((c) => c.totalRevenue);
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
    expect(charts.geo.map((g) => g.country)).toContain('ES');
  });

  it('reach the rendered page, whose chart data lists them', async () => {
    const html = await renderHtml({
      kpis: buildKpis(charts),
      highlights: buildHighlights(charts),
      charts,
      dataQuality: '',
      generatedAt: new Date(0),
    });
    expect(html).toContain('"name":"garden_patio"');
    expect(html).toContain('"country":"ES"');
  });
});
