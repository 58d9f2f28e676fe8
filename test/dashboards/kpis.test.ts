import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChartData } from '../../dashboards/chart-data.js';
import { buildHighlights } from '../../dashboards/highlights.js';
import { buildKpis, type Kpi } from '../../dashboards/kpis.js';
import { type Outputs, readOutputs } from '../../dashboards/read-outputs.js';
import { COHORT_ACTIVE, expectedKpis, MONTHS, NEW, REVENUE, writeFixtureOutputs } from './fixtures.js';

let dir: string;
let outputs: Outputs;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dash-kpi-'));
  await writeFixtureOutputs(dir);
  outputs = await readOutputs(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const byId = (kpis: Kpi[]) => Object.fromEntries(kpis.map((k) => [k.id, k]));

describe('buildKpis', () => {
  it('gives the whole-period revenue, orders and AOV and the latest month’s customers, MoM and churn', () => {
    const kpis = byId(buildKpis(buildChartData(outputs)));

    const expected = expectedKpis();
    expect(Object.fromEntries(Object.entries(kpis).map(([id, k]) => [id, k.value]))).toEqual(expected);
    expect(expected).toMatchObject({ revenue: 539866.15, orders: 1767, aov: 305.53 });
    expect(kpis.revenue).toMatchObject({
      headline: '$539.9K',
      exact: '$539,866.15',
      scope: 'Jan 2025 – Apr 2025',
    });
    expect(kpis.active_customers).toMatchObject({ scope: 'Apr 2025', detail: '110 new · 300 returning' });
    expect(kpis.mom_growth).toMatchObject({
      headline: '+15.0%',
      scope: 'Apr 2025 vs Mar 2025',
      tone: 'good',
    });
    expect(kpis.churn).toMatchObject({
      headline: '21.1%',
      scope: 'Mar 2025 → Apr 2025',
      detail: '80 of 380 did not return',
    });
  });

  it('shows no MoM growth or churn figure when the exports hold a single month', () => {
    const first = <T>(rows: T[]) => rows.slice(0, 1);
    const one = {
      ...outputs,
      'monthly_revenue.csv': first(outputs['monthly_revenue.csv']),
      'revenue_mom.csv': first(outputs['revenue_mom.csv']),
      'monthly_churn.csv': [
        { ...outputs['monthly_churn.csv'][0]!, churned_customers: null, churn_rate: null },
      ],
      'monthly_active_customers.csv': first(outputs['monthly_active_customers.csv']),
    };

    const kpis = byId(buildKpis(buildChartData(one)));

    expect(kpis.mom_growth).toMatchObject({ value: null, headline: '—', tone: 'neutral' });
    expect(kpis.churn).toMatchObject({ value: null, headline: '—' });
    expect(kpis.revenue?.value).toBe(REVENUE[0]);
    expect(kpis.mom_growth).toMatchObject({ exact: 'first month of data', detail: 'first month of data' });
  });

  it('says why the latest month has no growth figure: a gap, or no revenue the month before', () => {
    const withPrev = (prev: number | null) => ({
      ...outputs,
      'revenue_mom.csv': outputs['revenue_mom.csv'].map((r, i, all) =>
        i === all.length - 1 ? { ...r, prev_revenue_usd: prev, mom_growth: null } : r,
      ),
    });

    const gap = byId(buildKpis(buildChartData(withPrev(null))));
    const zero = byId(buildKpis(buildChartData(withPrev(0))));

    expect(gap.mom_growth).toMatchObject({ value: null, exact: 'previous month not observed' });
    expect(gap.mom_growth?.detail).toBe('previous month not observed');
    expect(zero.mom_growth).toMatchObject({ value: null, exact: 'no revenue the month before' });
  });
});

describe('buildChartData', () => {
  it('aligns every monthly series on the revenue months, with null where a month has no value', () => {
    const d = buildChartData(outputs);

    expect(d.months).toEqual(MONTHS);
    expect(d.mom[0]).toBeNull();
    expect(d.churnRate.at(-1)).toBeNull();
    expect(d.newCustomers).toEqual(NEW);
    expect(d.categories.map((c) => c.name)).toEqual(['electronics', 'home', 'apparel']);
  });

  it('lays the cohort triangle out as k = 0..6 with null for months not yet observed', () => {
    const d = buildChartData(outputs);

    expect(d.cohorts.map((c) => c.size)).toEqual(COHORT_ACTIVE.map((ks) => ks[0]));
    expect(d.cohorts[1]?.active).toEqual([150, 120, 110, null, null, null, null]);
    expect(d.cohorts[3]?.rates).toEqual([1, null, null, null, null, null, null]);
  });

  it('ranks countries by whole-period revenue and takes repeat rate from the latest month', () => {
    const d = buildChartData(outputs);

    expect(d.geo.map((g) => g.country)).toEqual(['US', 'UK']);
    expect(d.geo[1]).toMatchObject({ repeatRate: 0.7, active: 164 });
  });

  it("rounds a country's whole-period AOV exactly, half away from zero, as the marts do", () => {
    // 20.15 / 2 = 10.075 exactly; as doubles it is 10.074999…, which rounds down to 10.07
    const geo = [
      {
        month: '2025-03-01',
        country: 'NZ',
        active_customers: 1,
        orders: 1,
        revenue_usd: 10.15,
        aov_usd: 10.15,
        repeat_rate: 0,
      },
      {
        month: '2025-04-01',
        country: 'NZ',
        active_customers: 1,
        orders: 1,
        revenue_usd: 10,
        aov_usd: 10,
        repeat_rate: 1,
      },
    ];

    const d = buildChartData({ ...outputs, 'geo_engagement.csv': geo });

    expect(d.geo).toMatchObject([{ country: 'NZ', revenue: 20.15, orders: 2, aov: 10.08 }]);
  });
});

describe('buildHighlights', () => {
  it('names the best month, top category, top country and month-1 retention', () => {
    const facts = buildHighlights(buildChartData(outputs));

    expect(facts).toEqual([
      'Best month: Apr 2025 with $150,765.40 revenue.',
      'Top category: electronics, 54.3% of category sales.',
      'Top country: US, 60.0% of revenue.',
      'Month-1 retention across 3 cohorts: 71.7% of new customers came back.',
    ]);
  });
});
