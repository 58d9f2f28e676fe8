import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAKE } from '../../contracts/lake-layout.js';
import { OpsError } from '../../contracts/ops-error.js';
import { warehousePath, withWarehouse } from '../duckdb/warehouse.js';
import { describeLocalEtl, describeProcessed, etlFailure, localEtlFields } from '../etl/etl-summary.js';
import { swapIntoPlace } from '../exports/publish-local.js';
import { publishedInLake } from '../exports/published.js';
import { lakePath } from '../lib/lake-path.js';
import { newestMtime } from '../lib/newest-mtime.js';
import { formatCount } from '../lib/report.js';
import type { Target } from './target.js';

/**
 * The local target: the lake folder is the object store, the ETL runs in this process, DuckDB
 * (`<lake>/warehouse.duckdb`) is catalog and query engine, dbt-duckdb builds the marts.
 */
export const localTarget: Target = {
  name: 'local',
  summary: 'the local lake folder + DuckDB',
  catalogsQuarantine: true,
  etlStateInLake: true,
  pipeline: ['generate', 'etl', 'crawl', 'create-views', 'transform', 'export-outputs', 'dashboard'],
  addOptions: (y) => y,
  // The generator, the ETL (Arrow, parquet-wasm) and the crawl are imported by the step that runs
  // them, so each `ops` command loads only its own (test/tools/commands/cli-startup.test.ts).
  generate: async (args, request) => {
    const { generateDataset } = await import('../generator/index.js');
    return generateDataset({ lake: args.lake, ...request });
  },
  upload: async () => {
    throw new OpsError(
      'UPLOAD_NEEDS_AWS',
      'upload copies raw files to S3',
      'run it with --target aws (locally, `npx ops etl` reads the lake directly)',
    );
  },
  etl: async (args, request) => {
    const { runLocalEtl } = await import('../etl/run-local-etl.js');
    const s = await runLocalEtl({
      lake: args.lake,
      ...(request.files ? { files: request.files } : {}),
      force: request.force ?? false,
      retryQuarantine: request.retryQuarantine ?? false,
      ...(request.onPhase ? { onPhase: request.onPhase } : {}),
      ...(request.workers ? { workers: request.workers } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    const failure = etlFailure(s);
    return {
      title: (elapsed) =>
        `etl: ${s.processed.length} file(s) processed, ${s.skipped.length} unchanged in ${elapsed}`,
      fields: localEtlFields(s, args.lake),
      line: describeLocalEtl(s),
      sources: describeProcessed(s),
      ...(failure ? { failure } : {}),
    };
  },
  crawl: async (args) => {
    const { crawlDuckDb } = await import('../duckdb/duckdb-catalog.js');
    const result = await crawlDuckDb({ lake: args.lake });
    const fields: Record<string, string> = {};
    for (const t of result.tables) {
      const span = t.partitions.length ? ` (${t.partitions[0]} .. ${t.partitions.at(-1)})` : '';
      fields[t.name] =
        `${formatCount(t.rows)} rows, ${t.partitions.length} partitions${span}, ${t.files} files`;
    }
    const [orders, items] = result.tables;
    return {
      title: (elapsed) => `crawl done in ${elapsed}; catalog: ${result.warehouse}`,
      fields,
      line: `fact_orders ${formatCount(orders?.rows ?? 0)} rows, fact_order_items ${formatCount(items?.rows ?? 0)} rows, ${orders?.partitions.length} partitions`,
    };
  },
  withQueryEngine: (args, access, work) =>
    withWarehouse({ lake: args.lake, readOnly: access.readOnly }, work),
  dbt: {
    profile: 'local',
    // The lake's real path: the same warehouse reached through a symlink is the same build.
    describe: async (args) =>
      `duckdb ${path.join(realPathOrResolved(args.lake), path.basename(warehousePath(args.lake)))}`,
    // the quarantine view as the folder is now (the fact views are live, this one is not)
    configure: async (args) => {
      const { syncQuarantineView } = await import('../duckdb/quarantine-view.js');
      await syncQuarantineView(args.lake);
    },
    preflight: (args) => {
      const warehouse = warehousePath(args.lake);
      if (!existsSync(warehouse)) {
        throw new OpsError(
          'NO_WAREHOUSE',
          `no catalog at ${warehouse}`,
          'run `npx ops etl` and `npx ops crawl` first',
        );
      }
      return { warehouse };
    },
  },
  published: (args) => publishedInLake(args.lake),
  publish: async (args, staged) => {
    const { csvDir, dashboardDir } = await swapIntoPlace(staged, publishedInLake(args.lake));
    return {
      title: (elapsed) => `publish done in ${elapsed}`,
      fields: { csv: csvDir, dashboard: dashboardDir },
      line: `${csvDir}, ${dashboardDir}`,
    };
  },
  dashboardLink: async (args) => {
    const page = path.join(publishedInLake(args.lake).dashboardDir, 'index.html');
    if (!existsSync(page)) {
      throw new OpsError(
        'NO_DASHBOARD',
        `no dashboard at ${page}`,
        'run `npx ops dashboard` (or `npx ops refresh`) first, or point --lake at your lake',
      );
    }
    return pathToFileURL(page).href;
  },
  factsWrittenAt: (args) => newestMtime(lakePath(args.lake, LAKE.processedPrefix)),
};

/** `dir` with symlinks resolved; a folder not created yet, as given but absolute. */
function realPathOrResolved(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
