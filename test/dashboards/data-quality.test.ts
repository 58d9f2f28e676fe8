import { describe, expect, it } from 'vitest';
import type { RunMetadata } from '../../contracts/csv-exports.js';
import { renderDataQuality } from '../../dashboards/data-quality.js';

const row = {
  month: '2025-01-01',
  source_file: 'raw/store_sales/orders_2025_01.json',
  reason: 'all',
  records_read: 10,
  records_loaded: 10,
  records_quarantined: 0,
  latest_order_date: '2025-01-31',
};
const dbt = (generated_at: string): RunMetadata['dbt'] => {
  const none = { passed: 0, warned: 0, failed: 0, skipped: 0 };
  return { generated_at, models: none, data_tests: none, unit_tests: none, problems: [] };
};
const meta = (last_etl_run: string | null, built: string | null): RunMetadata => ({
  refreshed_at: '2026-12-01T12:00:00Z',
  last_etl_run,
  dbt: built === null ? null : dbt(built),
});
const stale = (m: RunMetadata | null) => renderDataQuality([row], m).includes('data-freshness="stale"');

describe('the data-quality section', () => {
  it('says the results are out of date when their dbt build ran before the last ETL run', () => {
    const html = renderDataQuality([row], meta('2026-12-01T10:00:01Z', '2026-12-01T10:00:00Z'));

    expect(html).toMatch(/Out of date:.*started before the last ETL run ended.*npx ops transform/);
  });

  it('counts a build as of when it started: an ETL run that ended while it ran makes it out of date', () => {
    const during: RunMetadata = {
      ...meta('2026-12-01T09:59:30Z', '2026-12-01T10:00:00Z'),
      dbt: { ...dbt('2026-12-01T10:00:00Z')!, started_at: '2026-12-01T09:59:00Z' },
    };

    expect(stale(during)).toBe(true);
    expect(stale({ ...during, last_etl_run: '2026-12-01T09:58:59Z' })).toBe(false);
  });

  it('says nothing of the kind when the build came after the ETL, or either time is unknown', () => {
    expect(stale(meta('2026-12-01T09:59:59Z', '2026-12-01T10:00:00Z'))).toBe(false);
    expect(stale(meta(null, '2026-12-01T10:00:00Z'))).toBe(false);
    expect(stale(meta('2026-12-01T10:00:01Z', null))).toBe(false);
    expect(stale(null)).toBe(false);
  });
});
