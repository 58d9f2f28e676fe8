import { describe, expect, it } from 'vitest';
import { applyFilter } from '../../dashboards/apply-filter.js';
import type { ChartData, SliceRow } from '../../dashboards/chart-data.js';
import { topCategories } from '../../dashboards/client/segment-charts.js';
import { filterHash, parseFilter } from '../../dashboards/filters.js';
import { countryName, humanLabel } from '../../dashboards/labels.js';

const MONTHS = ['2025-01-01', '2025-02-01'];
const category = (name: string, revenue: number): ChartData['categories'][number] => ({
  name,
  revenue: [revenue / 2, revenue / 2],
  totalRevenue: revenue,
  units: 1,
  orders: 1,
});
const slice = (country: string, channel: string, r: Partial<SliceRow>): SliceRow[] =>
  MONTHS.map((month, i) => ({
    month,
    country,
    channel,
    segment: 'all',
    revenue: 100,
    orders: 2,
    active: 2,
    newCustomers: 1,
    churned: i === 0 ? 1 : null,
    ...r,
  }));
const data = (over: Partial<ChartData> = {}): ChartData =>
  ({
    months: MONTHS,
    revenue: [1000, 1100],
    orders: [10, 11],
    aov: [100, 100],
    prevRevenue: [null, 1000],
    mom: [null, 0.1],
    cumulative: [1000, 2100],
    categories: [],
    cohorts: [],
    churnRate: [0.5, null],
    churned: [5, null],
    active: [10, 10],
    newCustomers: [10, 2],
    returning: [0, 8],
    geo: [],
    slices: [],
    options: { country: [], channel: [], segment: [], category: [] },
    ...over,
  }) as ChartData;

describe('labels for codes the contract may add', () => {
  it('reads snake_case as a sentence, with overrides where the rule reads badly', () => {
    expect(humanLabel('garden_tools')).toBe('Garden tools');
    expect(humanLabel('electronics')).toBe('Electronics');
    expect(humanLabel('home_kitchen')).toBe('Home & kitchen');
    expect(humanLabel('mobile_app')).toBe('Mobile app');
  });

  it('names countries in English from any ISO code, and the contract’s UK', () => {
    expect(countryName('US')).toBe('United States');
    expect(countryName('BR')).toBe('Brazil');
    expect(countryName('UK')).toBe('United Kingdom');
  });
});

describe('top categories', () => {
  it('draws the five largest and sums the rest into "Other", cycling the palette', () => {
    const names = ['a_b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'garden_tools'];
    const cats = topCategories(data({ categories: names.map((n, i) => category(n, 900 - i * 100)) }));

    expect(cats.map((c) => c.label)).toEqual(['A b', 'C', 'D', 'E', 'F', 'Other (4 categories)']);
    expect(cats.at(-1)).toMatchObject({ totalRevenue: 400 + 300 + 200 + 100, revenue: [500, 500] });
    expect(new Set(cats.map((c) => c.color)).size).toBe(6);
  });

  it('draws six categories by name rather than an "Other" of one', () => {
    const cats = topCategories(
      data({ categories: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => category(n, 10)) }),
    );

    expect(cats.map((c) => c.label)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
  });
});

describe('filters', () => {
  it('round-trip through the URL hash, ignoring unknown keys and "all"', () => {
    expect(parseFilter('#country=US&channel=online&segment=consumer&x=1&category=all')).toEqual({
      country: 'US',
      channel: 'online',
      segment: 'consumer',
    });
    expect(filterHash({ segment: 'consumer', country: 'US' })).toBe('#country=US&segment=consumer');
    expect(filterHash({})).toBe('');
  });

  it("reads a value as the data's option it names in any case, and ignores one the data lacks", () => {
    const options = {
      country: ['DE', 'US'],
      channel: ['online', 'store'],
      segment: ['consumer'],
      category: [],
    };

    expect(parseFilter('#country=us&channel=Online&segment=nobody&category=books', options)).toEqual({
      country: 'US',
      channel: 'online',
    });
    expect(parseFilter('#country=XX', options)).toEqual({});
  });

  it('reads one cell’s distinct counts and never adds cells up', () => {
    const slices = [
      ...slice('US', 'all', { active: 3, newCustomers: 1, churned: 1 }),
      // a customer active online and in store: the channel cells add up to 4, the US cell says 3
      ...slice('US', 'online', { active: 2 }),
      ...slice('US', 'store', { active: 2 }),
    ];
    const us = applyFilter(data({ slices }), { country: 'US' });

    expect(us.active).toEqual([3, 3]);
    expect(us.newCustomers).toEqual([1, 1]);
    expect(us.returning).toEqual([2, 2]);
    expect(us.revenue).toEqual([100, 100]);
    expect(us.aov).toEqual([50, 50]);
    expect(us.mom).toEqual([null, 0]);
    expect(us.cumulative).toEqual([100, 200]);
    expect(us.churned).toEqual([1, null]);
    expect(us.churnRate).toEqual([0.333333, null]);
  });

  it('rounds the recomputed ratios exactly, half away from zero, as the marts do', () => {
    // 1286.61 / 6 = 214.435 exactly (a double holds 214.434999…); 20.01 → 30.02 is +50.024988 %
    // … and a fall by 1/3 of a cent per million rounds away from zero too.
    const slices = slice('IN', 'all', { revenue: 1286.61, orders: 6, active: 8, churned: 1 }).map((r, i) =>
      i === 0 ? r : { ...r, revenue: 1286.6, orders: 3 },
    );
    const india = applyFilter(data({ slices }), { country: 'IN' });

    expect(india.aov).toEqual([214.44, 428.87]);
    expect(india.mom).toEqual([null, -0.000008]);
    expect(india.churnRate).toEqual([0.125, null]);
  });

  it('leaves the exported figures as they are without a filter', () => {
    const d = data();

    expect(applyFilter(d, {})).toEqual(d);
  });
});
