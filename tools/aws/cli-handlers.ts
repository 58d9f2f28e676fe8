import { OpsError } from '../lib/errors.js';
import { elapsed, formatCount, printSummary, progress } from '../lib/report.js';
import type { AthenaRunOptions } from './athena-query.js';
import { crawlAws } from './crawl-aws.js';
import { runAwsEtl } from './etl-aws.js';
import type { AwsArgs } from './options.js';
import { withAwsSession } from './session.js';

/** Progress of Athena queries for long commands: one stderr line when a query starts running. */
export const athenaProgress: Pick<AthenaRunOptions, 'onState'> = {
  onState: (id, state) => {
    if (state === 'RUNNING') progress(`  athena: query ${id.slice(0, 8)} running`);
  },
};

/** `ops etl --target aws [--file KEY…] [--local-compute]`: prints per-source lines and a summary. */
export async function etlOnAws(
  args: AwsArgs & { file?: string[]; 'local-compute'?: boolean },
): Promise<void> {
  const start = performance.now();
  const summary = await withAwsSession(args, ({ config, clients }) =>
    runAwsEtl({
      config,
      clients,
      ...(args.file?.length ? { files: args.file } : {}),
      localCompute: Boolean(args['local-compute']),
      onProgress: (p) => {
        if (p.bytesRead === undefined) progress(`etl: ${p.key} (${p.index}/${p.total})`);
      },
    }),
  );
  const ok = summary.results.flatMap((r) => (r.ok ? [r.result] : []));
  for (const r of ok) {
    progress(
      `  ${r.sourceKey}: read ${formatCount(r.read)}, loaded ${formatCount(r.loaded)}, quarantined ${formatCount(r.quarantined)} -> ${r.files.length} file(s)`,
    );
  }
  const total = (f: (r: (typeof ok)[number]) => number) => formatCount(ok.reduce((a, r) => a + f(r), 0));
  printSummary(
    `etl (${summary.ranOn}): ${ok.length} of ${summary.results.length} source(s) processed in ${elapsed(start)}`,
    {
      read: total((r) => r.read),
      loaded: total((r) => r.loaded),
      quarantined: total((r) => r.quarantined),
      'fact_orders rows': total((r) => r.rows.fact_orders),
      'fact_order_items rows': total((r) => r.rows.fact_order_items),
    },
  );
  const failed = summary.results.flatMap((r) => (r.ok ? [] : [`${r.key}: ${r.error}`]));
  if (failed.length) {
    throw new OpsError(
      'ETL_FAILED',
      `${failed.length} source(s) failed: ${failed.join('; ')}`,
      'rejected records are in the quarantine bucket; fix or replace the raw object, then run `ops etl --target aws --file NAME`',
    );
  }
}

/** `ops crawl --target aws`: runs the crawler (or joins it) and reports tables and partitions. */
export async function crawlOnAws(args: AwsArgs): Promise<void> {
  const start = performance.now();
  const result = await withAwsSession(args, ({ config, clients, timeoutMs }) =>
    crawlAws(config, clients, { timeoutMs, onState: (s) => progress(`crawl: crawler ${s.toLowerCase()}`) }),
  );
  const fields: Record<string, string> = {
    crawler: result.crawl
      ? `${result.crawl.crawler} ${result.crawl.joined ? 'joined a running crawl' : 'started'}, ${result.crawl.status}`
      : 'none: partitions are projected (catalog_mode projection)',
  };
  for (const t of result.catalog.tables) {
    const span = t.partitions.length ? ` (${t.partitions[0]} .. ${t.partitions.at(-1)})` : '';
    fields[t.name] = t.projected
      ? `projected partitions, ${t.location}`
      : `${t.partitions.length} partitions${span}, ${t.location}`;
  }
  printSummary(`crawl done in ${elapsed(start)}; catalog: Glue database ${result.catalog.database}`, fields);
}
