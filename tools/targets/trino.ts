import { OpsError } from '../../contracts/ops-error.js';
import { publishedInLake } from '../exports/published.js';
import { formatCount } from '../lib/report.js';
import { trinoDbtEnv } from '../trino/dbt-env.js';
import { registerTrinoFactTables } from '../trino/trino-catalog.js';
import { type TrinoArgs, trinoSettings, withTrinoOptions } from '../trino/trino-options.js';
import { trinoConnection, trinoLake, withTrinoEngine } from '../trino/trino-session.js';
import { localTarget } from './local.js';
import type { Target, TargetArgs } from './target.js';

/** The Trino settings of a command's parsed arguments (`addOptions` added the flags). */
const settings = (args: TargetArgs) => trinoSettings(args as unknown as TrinoArgs);

/**
 * A Trino (or Starburst) cluster over the lake: the ETL runs in this process on the lake folder,
 * as locally, and its Parquet is read where it lies (a `local://` location the development
 * server sees) or from an S3-compatible bucket the ETL step mirrors it to. The catalog is the
 * Hive connector's, the engine Trino over HTTP, dbt-trino builds the marts in the same schema.
 * Without `--trino-url` the project's development server is started or reused.
 */
export const trinoTarget: Target = {
  name: 'trino',
  summary: 'a Trino/Starburst cluster (default: the local development server) over the lake',
  catalogsQuarantine: true,
  etlStateInLake: true,
  pipeline: ['generate', 'etl', 'crawl', 'create-views', 'transform', 'export-outputs', 'dashboard'],
  addOptions: (y) => withTrinoOptions(y),
  generate: (args, request) => localTarget.generate(args, request),
  upload: async () => {
    throw new OpsError(
      'UPLOAD_NEEDS_AWS',
      'upload copies raw files to the AWS raw bucket',
      'on trino the ETL reads the lake folder; with --lake-bucket, `npx ops etl --target trino` mirrors its Parquet to the bucket',
    );
  },
  etl: async (args, request) => {
    const report = await localTarget.etl(args, request);
    const bucket = settings(args).bucket;
    if (!bucket || report.failure) return report;
    // imported here: the bucket mirror brings the AWS SDK, which only --lake-bucket needs
    const { mirrorLake } = await import('../trino/lake-bucket.js');
    const m = await mirrorLake(args.lake, bucket);
    const mirrored = `${m.uploaded} uploaded, ${m.unchanged} unchanged, ${m.deleted} deleted`;
    return {
      ...report,
      fields: { ...report.fields, [`s3://${bucket.name}`]: mirrored },
      line: `${report.line}; s3://${bucket.name}: ${mirrored}`,
    };
  },
  crawl: async (args) => {
    const s = settings(args);
    const conn = await trinoConnection(s);
    const result = await withTrinoEngine(conn, { schema: false }, (engine) =>
      registerTrinoFactTables(engine, {
        catalog: s.catalog,
        schema: s.schema,
        lake: trinoLake(s, args.lake),
      }),
    );
    const fields: Record<string, string> = { lake: trinoLake(s, args.lake) };
    for (const t of result.tables) {
      const span = t.partitions.length ? ` (${t.partitions[0]} .. ${t.partitions.at(-1)})` : '';
      fields[t.name] = `${formatCount(t.rows)} rows, ${t.partitions.length} partitions${span}`;
    }
    const [orders, items] = result.tables;
    const where = `${s.catalog}.${s.schema} on ${conn.url}`;
    return {
      title: (elapsed) => `crawl done in ${elapsed}; catalog: ${where}`,
      fields,
      line: `fact_orders ${formatCount(orders?.rows ?? 0)} rows, fact_order_items ${formatCount(items?.rows ?? 0)} rows, ${orders?.partitions.length} partitions in ${where}`,
    };
  },
  // Trino DDL is not transactional and reads take no lock: readers and writers are alike.
  withQueryEngine: async (args, _access, work) =>
    withTrinoEngine(await trinoConnection(settings(args)), { schema: true }, work),
  dbt: {
    profile: 'trino',
    describe: async (args) => {
      const s = settings(args);
      return `trino ${s.url ?? 'development server'} ${s.catalog}.${s.schema} (dbt-trino)`;
    },
    // The connection decides: dbt builds where the views are, whatever TRINO_* was exported.
    configure: async (args) => {
      Object.assign(process.env, trinoDbtEnv(await trinoConnection(settings(args))));
    },
    preflight: () => {
      if (!process.env.TRINO_HOST) {
        throw new OpsError(
          'TRINO_ENV_MISSING',
          'dbt-trino needs TRINO_HOST',
          'run `npx ops transform --target trino`',
        );
      }
      return {};
    },
  },
  published: (args) => publishedInLake(args.lake),
  // Results are published in the lake folder, as locally.
  publish: (args, staged, runId) => localTarget.publish(args, staged, runId),
  dashboardLink: (args, seconds) => localTarget.dashboardLink(args, seconds),
};
