import { OpsError } from '../../contracts/ops-error.js';
import { describeFormats } from '../etl/etl-summary.js';
import { formatCount } from '../lib/report.js';
import type { AwsEtlSummary } from './etl-aws.js';

/** What `ops etl --target aws` prints: a line per source, totals, and the error to raise after. */
export function awsEtlReport(summary: AwsEtlSummary) {
  const ok = summary.results.flatMap((r) => (r.ok ? [r.result] : []));
  const total = (f: (r: (typeof ok)[number]) => number) => formatCount(ok.reduce((a, r) => a + f(r), 0));
  const failed = summary.results.flatMap((r) => (r.ok ? [] : [`${r.key}: ${r.error}`]));
  const processed = `${ok.length} of ${summary.results.length} source(s) processed`;
  const retired = summary.retired.length ? summary.retired.join(', ') : 'none';
  return {
    title: (elapsed: string) => `etl (${summary.ranOn}): ${processed} in ${elapsed}`,
    line: `${processed} on ${summary.ranOn}; ${total((r) => r.loaded)} orders loaded, ${total((r) => r.quarantined)} quarantined`,
    sources: ok.map(
      (r) =>
        `  ${r.sourceKey}: read ${formatCount(r.read)} (${describeFormats(r.byFormat)}), loaded ${formatCount(r.loaded)}, quarantined ${formatCount(r.quarantined)} -> ${r.files.length} file(s)`,
    ),
    fields: {
      read: total((r) => r.read),
      loaded: total((r) => r.loaded),
      quarantined: total((r) => r.quarantined),
      'deleted raw files (outputs removed)': retired,
      ...(summary.retried.length
        ? { 're-run for future-dated orders now in range': summary.retried.join(', ') }
        : {}),
      'fact_orders rows': total((r) => r.rows.fact_orders),
      'fact_order_items rows': total((r) => r.rows.fact_order_items),
    },
    ...(failed.length
      ? {
          failure: new OpsError(
            'ETL_FAILED',
            `${failed.length} source(s) failed: ${failed.join('; ')}`,
            'rejected records are in the quarantine bucket; fix or replace the raw object, then run `npx ops etl --target aws --file NAME`',
          ),
        }
      : {}),
  };
}
