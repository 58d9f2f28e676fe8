import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpsError } from '../../contracts/ops-error.js';
import { readOutputs, readRunMetadata } from '../../dashboards/read-outputs.js';
import { MONTHS, ORDERS, REVENUE, writeFixtureOutputs } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dash-read-'));
  await writeFixtureOutputs(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const rejection = async (promise: Promise<unknown>): Promise<OpsError> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpsError);
  return err as OpsError;
};

describe('readOutputs', () => {
  it('types every column: months as text, money and counts as numbers, empty fields as null', async () => {
    const outputs = await readOutputs(dir);

    expect(outputs['monthly_revenue.csv'].map((r) => r.month)).toEqual(MONTHS);
    expect(outputs['monthly_revenue.csv'].map((r) => r.revenue_usd)).toEqual(REVENUE);
    expect(outputs['monthly_revenue.csv'].map((r) => r.orders)).toEqual(ORDERS);
    expect(outputs['revenue_mom.csv'][0]).toMatchObject({ prev_revenue_usd: null, mom_growth: null });
    expect(outputs['revenue_mom.csv'][1]?.mom_growth).toBeCloseTo(138000.25 / 120000.5 - 1, 6);
    expect(outputs['monthly_churn.csv'].at(-1)).toMatchObject({ churned_customers: null, churn_rate: null });
  });

  it('names the missing file and `ops export-outputs` when an export is absent', async () => {
    await rm(path.join(dir, 'monthly_churn.csv'));

    const err = await rejection(readOutputs(dir));

    expect(err.code).toBe('DASHBOARD_MISSING_OUTPUT');
    expect(err.message).toContain('monthly_churn.csv');
    expect(err.hint).toContain('ops export-outputs');
  });

  it('rejects an empty file, naming it', async () => {
    await writeFile(path.join(dir, 'geo_engagement.csv'), '');

    const err = await rejection(readOutputs(dir));

    expect(err.code).toBe('DASHBOARD_BAD_OUTPUT');
    expect(err.message).toMatch(/^geo_engagement\.csv: file is empty/);
    expect(err.hint).toContain('ops export-outputs');
  });

  it('rejects a file with a header and no rows', async () => {
    await writeFile(
      path.join(dir, 'revenue_mom.csv'),
      'month,revenue_usd,prev_revenue_usd,mom_growth,cumulative_revenue_usd\n',
    );

    const err = await rejection(readOutputs(dir));

    expect(err.message).toContain('revenue_mom.csv: has a header but no rows');
  });

  it('rejects a header that differs from the contract', async () => {
    const file = path.join(dir, 'monthly_revenue.csv');
    await writeFile(file, (await readFile(file, 'utf8')).replace('aov_usd', 'aov'));

    const err = await rejection(readOutputs(dir));

    expect(err.message).toContain('monthly_revenue.csv: header is "month,revenue_usd,orders,aov,');
  });

  it('rejects formatted money such as "25,502,110" with the line and column', async () => {
    const file = path.join(dir, 'monthly_revenue.csv');
    await writeFile(file, (await readFile(file, 'utf8')).replace('120000.50', '"120,000.50"'));

    const err = await rejection(readOutputs(dir));

    expect(err.message).toBe(
      'monthly_revenue.csv: line 2, column revenue_usd: expected a plain decimal number',
    );
  });

  it('reads a month without completed orders: its AOV is empty, and null, in monthly_revenue.csv only', async () => {
    const monthly = path.join(dir, 'monthly_revenue.csv');
    const lines = (await readFile(monthly, 'utf8')).split('\n');
    // a month before the others whose only orders were cancelled (docs/metrics.md, "data window")
    await writeFile(monthly, [lines[0], '2024-12-01,0.00,0,,0,0', ...lines.slice(1)].join('\n'));
    const geo = path.join(dir, 'geo_engagement.csv');
    const geoLines = (await readFile(geo, 'utf8')).split('\n');

    expect((await readOutputs(dir))['monthly_revenue.csv'][0]).toEqual({
      month: '2024-12-01',
      revenue_usd: 0,
      orders: 0,
      aov_usd: null,
      units: 0,
      active_customers: 0,
    });

    // geo_engagement.csv has a row only where a country had completed orders: no empty AOV
    await writeFile(
      geo,
      [geoLines[0], geoLines[1]!.replace(/,[\d.]+,([\d.]+)$/, ',,$1'), ...geoLines.slice(2)].join('\n'),
    );
    const err = await rejection(readOutputs(dir));
    expect(err.message).toBe('geo_engagement.csv: line 2, column aov_usd: expected a plain decimal number');
  });

  it('rejects an empty field where the contract has no undefined value', async () => {
    const file = path.join(dir, 'monthly_active_customers.csv');
    await writeFile(file, (await readFile(file, 'utf8')).replace('2025-02-01,390,', '2025-02-01,,'));

    const err = await rejection(readOutputs(dir));

    expect(err.message).toBe(
      'monthly_active_customers.csv: line 3, column active_customers: expected a plain decimal number',
    );
  });
});

describe('data_quality.csv and run_metadata.json', () => {
  it('types data quality: empty counts of reason rows are null, dates stay text', async () => {
    const rows = (await readOutputs(dir))['data_quality.csv'];

    expect(rows[0]).toMatchObject({
      reason: 'all',
      records_read: 403,
      records_loaded: 400,
      records_quarantined: 3,
    });
    expect(rows[1]).toMatchObject({ reason: 'invalid_json', records_read: null, latest_order_date: '' });
  });

  it('reads no run metadata as null, and refuses a malformed file naming the field', async () => {
    expect(await readRunMetadata(dir)).toBeNull();
    await writeFile(
      path.join(dir, 'run_metadata.json'),
      JSON.stringify({ refreshed_at: 1, last_etl_run: null, dbt: null }),
    );

    const err = await rejection(readRunMetadata(dir));

    expect(err.code).toBe('DASHBOARD_BAD_OUTPUT');
    expect(err.message).toMatch(/^run_metadata.json: refreshed_at: /);
  });
});
