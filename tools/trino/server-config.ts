import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** An S3-compatible object store the Hive catalog reads through Trino's native S3 file system. */
export interface S3StoreConfig {
  /** e.g. `http://127.0.0.1:5000` for moto or MinIO; omit for AWS itself. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (`endpoint/bucket/key`), which moto and MinIO need. */
  pathStyle: boolean;
  accessKey?: string;
  secretKey?: string;
}

/** What a single-node development server needs to know. */
export interface TrinoServerConfig {
  /** Loopback HTTP port. */
  port: number;
  /** Node data folder (logs, var/) and the file metastore (`<dataDir>/metastore`). */
  dataDir: string;
  /** JVM heap ceiling in GB: 2 covers a full pipeline run (measured peak RSS under 1 GB). */
  heapGb?: number;
  /** Also read `s3://` locations from this store. */
  s3?: S3StoreConfig;
}

/** The catalog every project table lives in: the Hive connector. */
export const TRINO_CATALOG = 'hive';

/**
 * The local file system root the catalog sees. It is `/`, so one server serves any lake folder:
 * a table's location is `local://` + its absolute path (see `localLocation`).
 */
const LOCAL_ROOT = '/';

/** The catalog URI of a local absolute path: `/tmp/lake/x` -> `local:///tmp/lake/x`. */
export const localLocation = (absPath: string): string => `local://${path.resolve(absPath)}`;

const properties = (entries: Record<string, string | number | boolean>): string =>
  `${Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;

/**
 * The Hive catalog: a file metastore under the data folder, local files by default, plus S3 when
 * configured. External (non-managed) table writes are allowed because the fact tables are external
 * tables over the ETL's folders and dbt's marts are written next to them.
 */
export function hiveCatalogProperties(config: TrinoServerConfig): string {
  const entries: Record<string, string | number | boolean> = {
    'connector.name': 'hive',
    'hive.metastore': 'file',
    'hive.metastore.catalog.dir': localLocation(path.join(config.dataDir, 'metastore')),
    'hive.non-managed-table-writes-enabled': true,
    'fs.native-local.enabled': true,
    // A plain absolute path: a local:// URI here fails in Trino 476.
    'local.location': LOCAL_ROOT,
    // Writes stage under the data folder, not in Trino's default /tmp/presto-<user>, which
    // nothing removes.
    'hive.temporary-staging-directory-path': path.join(config.dataDir, 'staging'),
  };
  const s3 = config.s3;
  if (s3) {
    Object.assign(entries, {
      'fs.native-s3.enabled': true,
      's3.region': s3.region,
      's3.path-style-access': s3.pathStyle,
      ...(s3.endpoint ? { 's3.endpoint': s3.endpoint } : {}),
      ...(s3.accessKey ? { 's3.aws-access-key': s3.accessKey } : {}),
      ...(s3.secretKey ? { 's3.aws-secret-key': s3.secretKey } : {}),
    });
  }
  return properties(entries);
}

/**
 * Every file of the server's `etc/` folder, keyed by path relative to it: a single node that is
 * both coordinator and worker, HTTP on loopback only.
 */
export function renderServerConfig(config: TrinoServerConfig): Record<string, string> {
  return {
    'node.properties': properties({
      'node.environment': 'store_sales_dev',
      'node.id': 'store-sales-dev',
      'node.data-dir': config.dataDir,
      // Listen on loopback only: a development server with no authentication.
      'node.bind-ip': '127.0.0.1',
      'node.internal-address': '127.0.0.1',
    }),
    'config.properties': properties({
      coordinator: true,
      'node-scheduler.include-coordinator': true,
      'http-server.http.port': config.port,
      'discovery.uri': `http://127.0.0.1:${config.port}`,
      // A development box: keep query memory well inside the heap.
      'query.max-memory': '1GB',
      'query.max-memory-per-node': '1GB',
    }),
    'jvm.config': `${[
      '-server',
      `-Xmx${config.heapGb ?? 2}G`,
      '-XX:+UseG1GC',
      // The client compiler only: a development server runs many short queries (views, dbt
      // tests), where the optimising compiler's work does not pay back. Measured here
      // (docs/trino.md): ready 13 s instead of 17 s, the default `ops pipeline --target trino`
      // 54-65 s instead of 80-85 s with about a third less CPU, dbt on 1M orders as fast either way.
      '-XX:TieredStopAtLevel=1',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djdk.attach.allowAttachSelf=true',
    ].join('\n')}\n`,
    'log.properties': properties({ 'io.trino': 'WARN' }),
    [`catalog/${TRINO_CATALOG}.properties`]: hiveCatalogProperties(config),
  };
}

/** Writes `renderServerConfig(config)` under `etcDir`, replacing what was there. */
export async function writeServerConfig(etcDir: string, config: TrinoServerConfig): Promise<void> {
  for (const [file, text] of Object.entries(renderServerConfig(config))) {
    const target = path.join(etcDir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  }
}
