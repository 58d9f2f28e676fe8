import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import type { EtlResult } from '../../lambda/core/process-source.js';
import { describeWorkers, formatCount } from '../lib/report.js';
import type { LocalEtlSummary } from './run-local-etl.js';

/** Totals over the files a run processed. */
export function etlTotals(s: LocalEtlSummary) {
  const sum = (f: (r: LocalEtlSummary['processed'][number]) => number) =>
    s.processed.reduce((a, r) => a + f(r), 0);
  return {
    read: sum((r) => r.read),
    loaded: sum((r) => r.loaded),
    quarantined: sum((r) => r.quarantined),
    orderRows: sum((r) => r.rows.fact_orders),
    itemRows: sum((r) => r.rows.fact_order_items),
    rawBytes: sum((r) => r.sourceBytes),
    byFormat: {
      v2: sum((r) => r.byFormat.v2),
      original: sum((r) => r.byFormat.original),
      unrecognised: sum((r) => r.byFormat.unrecognised),
    },
  };
}

/** Records per format, the formats seen only: `v2 1,000, original 1,180`. */
export const describeFormats = (byFormat: EtlResult['byFormat']): string =>
  Object.entries(byFormat)
    .filter(([, n]) => n > 0)
    .map(([format, n]) => `${format} ${formatCount(n)}`)
    .join(', ') || 'none';

/** One line for `ops pipeline`: `2 file(s) processed, 10 unchanged; 10,123 loaded, 3 quarantined`. */
export function describeLocalEtl(s: LocalEtlSummary): string {
  const t = etlTotals(s);
  const retired =
    (s.retired.length ? `, ${s.retired.length} deleted (outputs removed)` : '') +
    (s.retried.length ? `, ${s.retried.length} re-run for quarantined orders now in range` : '');
  return `${s.processed.length} file(s) processed, ${s.skipped.length} unchanged${retired}; ${formatCount(t.loaded)} orders loaded, ${formatCount(t.quarantined)} quarantined`;
}

/** One line per processed file: counts, rejects by reason, files written, time. */
export function describeProcessed(s: LocalEtlSummary): string[] {
  return s.processed.map((r) => {
    const reasons = Object.entries(r.byReason).map(([k, v]) =>
      k === 'duplicate_order_id' && r.duplicateOf.length
        ? `${k} ${v}, first copies in ${r.duplicateOf.join(', ')}`
        : `${k} ${v}`,
    );
    return (
      `  ${r.sourceKey}: read ${formatCount(r.read)} (${describeFormats(r.byFormat)}), loaded ${formatCount(r.loaded)}, quarantined ${formatCount(r.quarantined)}` +
      `${reasons.length ? ` (${reasons.join(', ')})` : ''} -> ${r.files.length} file(s) in ${(r.durationMs / 1000).toFixed(2)} s`
    );
  });
}

/** The summary fields of `ops etl` on the local lake. */
export function localEtlFields(s: LocalEtlSummary, lake: string): Record<string, string> {
  const t = etlTotals(s);
  return {
    read: formatCount(t.read),
    'records per format': describeFormats(t.byFormat),
    loaded: formatCount(t.loaded),
    quarantined: formatCount(t.quarantined),
    'deleted raw files (outputs removed)': s.retired.length ? s.retired.join(', ') : 'none',
    ...(s.retried.length ? { 're-run for future-dated orders now in range': s.retried.join(', ') } : {}),
    ...(s.ignored.length
      ? { 'ignored (not .json, .jsonl or .ndjson directly in raw/store_sales/)': s.ignored.join(', ') }
      : {}),
    'fact_orders rows': formatCount(t.orderRows),
    'fact_order_items rows': formatCount(t.itemRows),
    'raw read': `${(t.rawBytes / 1e6).toFixed(1)} MB`,
    ...(s.workers
      ? {
          'worker processes': describeWorkers(s.workers, s.workerMaxRssBytes, s.workerCpuSeconds),
        }
      : {}),
    parquet: `${lake}/${LAKE.processedPrefix}`,
    ...(s.processed.length
      ? {
          'parquet encoder':
            s.parquetEncoder === 'native'
              ? 'native'
              : 'parquet-wasm (`npm run setup:native` builds the native one: the same files, ~20 % less CPU)',
        }
      : {}),
    quarantine: describeQuarantine(s, lake),
  };
}

/** How many of this run's quarantine files the summary names; the rest are counted. */
const QUARANTINE_FILES_SHOWN = 3;

/**
 * Where this run's rejects went: its quarantine files (`lake/quarantine/store_sales/a.jsonl`, the
 * first few and how many more), or `none`.
 */
function describeQuarantine(s: LocalEtlSummary, lake: string): string {
  const files = s.processed.flatMap((r) =>
    r.quarantined && r.quarantineKey ? [`${lake}/${r.quarantineKey}`] : [],
  );
  if (!files.length) return 'none';
  const more = files.length - QUARANTINE_FILES_SHOWN;
  return `${files.slice(0, QUARANTINE_FILES_SHOWN).join(', ')}${more > 0 ? ` and ${more} more in ${lake}/${LAKE.quarantinePrefix}` : ''}`;
}

/** The CLI error for a run in which any file failed (the others were still processed). */
export function etlFailure(s: LocalEtlSummary): OpsError | undefined {
  if (!s.failed.length) return undefined;
  // Only a file that was read has a quarantine file to look at (one refused for its name has none).
  const failed = new Set(s.failed.map((f) => f.key));
  const rejects = s.processed
    .filter((r) => failed.has(r.sourceKey) && r.quarantineKey)
    .map((r) => r.quarantineKey as string);
  const message = `${s.failed.length} file(s) failed: ${s.failed.map((f) => `${f.key}: ${f.error}`).join('; ')}`;
  const retry = 'then run `npx ops etl` again (failed files are retried)';
  // every file failed for the file system (a lake folder not writable, a full disk): fixing or
  // removing the raw files is no help
  if (s.failed.every((f) => f.errno)) {
    const codes = [...new Set(s.failed.map((f) => f.errno))].join(', ');
    return new OpsError(
      'FILE_SYSTEM',
      message,
      `the file system refused a path named above (${codes}): check that the lake's folders are folders you may write, on a disk with space; ${retry}`,
    );
  }
  return new OpsError(
    'ETL_FAILED',
    message,
    `${rejects.length ? `see ${rejects.join(', ')}; ` : ''}fix or remove the raw file${failed.size > 1 ? 's' : ''}, ${retry}`,
  );
}
