import { OpsError } from '../../contracts/ops-error.js';
import type { QueryEngine } from '../engines/query-engine.js';
import { progress } from '../lib/report.js';
import { localLocation, type S3StoreConfig } from './server-config.js';
import { startDevServer } from './server-process.js';
import type { LakeUri } from './trino-catalog.js';
import { openTrinoEngine, type TrinoConnection } from './trino-engine.js';
import type { TrinoSettings } from './trino-options.js';

/** The S3 store the development server's Hive catalog reads an S3-compatible lake through. */
export function devServerS3(bucket: NonNullable<TrinoSettings['bucket']>): S3StoreConfig {
  const env = process.env;
  return {
    ...(bucket.endpoint ? { endpoint: bucket.endpoint } : {}),
    region: bucket.region,
    pathStyle: Boolean(bucket.endpoint),
    ...(env.AWS_ACCESS_KEY_ID ? { accessKey: env.AWS_ACCESS_KEY_ID } : {}),
    ...(env.AWS_SECRET_ACCESS_KEY ? { secretKey: env.AWS_SECRET_ACCESS_KEY } : {}),
  };
}

/**
 * The coordinator to use: `--trino-url` as given, or else the project's development server,
 * started (downloading Trino the first time) or reused.
 */
export async function trinoConnection(s: TrinoSettings): Promise<TrinoConnection> {
  let url = s.url;
  if (!url) {
    progress('trino: using the development server (npm run trino -- start); --trino-url picks another');
    url = (await startDevServer(s.bucket ? { s3: devServerS3(s.bucket) } : {})).url;
  }
  return {
    url,
    user: s.user,
    catalog: s.catalog,
    schema: s.schema,
    ...(s.password !== undefined ? { password: s.password } : {}),
  };
}

/** Where the catalog finds the lake: the bucket, or the lake folder as a `local://` URI. */
export const trinoLake = (s: TrinoSettings, lakeDir: string): LakeUri =>
  s.bucket ? `s3://${s.bucket.name}` : localLocation(lakeDir);

const sqlText = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Fails early, with the setting to fix, when the catalog is not configured on the coordinator or
 * (when `schema` is needed) the schema does not exist, rather than on the first statement that
 * happens to name them.
 */
export async function checkNamespace(
  engine: QueryEngine,
  conn: TrinoConnection,
  { schema }: { schema: boolean },
): Promise<void> {
  const catalogs = await engine.query(`SELECT catalog_name FROM system.metadata.catalogs`);
  if (!catalogs.some((c) => c.catalog_name === conn.catalog)) {
    throw new OpsError(
      'TRINO_UNKNOWN_CATALOG',
      `catalog "${conn.catalog}" is not configured on ${conn.url} (it has ${catalogs.map((c) => c.catalog_name).join(', ')})`,
      'pass --trino-catalog (env TRINO_CATALOG) naming a Hive connector catalog of that cluster',
    );
  }
  if (!schema) return;
  const found = await engine.query(
    `SELECT schema_name FROM "${conn.catalog.replaceAll('"', '""')}".information_schema.schemata WHERE schema_name = ${sqlText(conn.schema)}`,
  );
  if (!found.length) {
    throw new OpsError(
      'TRINO_UNKNOWN_SCHEMA',
      `schema "${conn.schema}" does not exist in catalog "${conn.catalog}" on ${conn.url}`,
      'run `npx ops crawl --target trino` first (it creates the schema), or pass --trino-schema (env TRINO_SCHEMA)',
    );
  }
}

/** Runs `work` on a Trino engine whose catalog (and, if `schema`, schema) exist; closes it after. */
export async function withTrinoEngine<T>(
  conn: TrinoConnection,
  opts: { schema: boolean },
  work: (engine: QueryEngine) => Promise<T>,
): Promise<T> {
  const engine = await openTrinoEngine(conn);
  try {
    await checkNamespace(engine, conn, opts);
    return await work(engine);
  } finally {
    await engine.close();
  }
}
