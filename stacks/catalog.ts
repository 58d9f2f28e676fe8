import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database/index.js';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table/index.js';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler/index.js';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import { FACT_TABLE_NAMES, FACT_TABLES } from '../contracts/fact-tables.js';
import { LAKE } from '../contracts/lake-layout.js';
import { QUARANTINE_TABLE } from '../contracts/quarantine-table.js';
import type { StageConfig } from './config.js';
import { CrawlerRole } from './crawler-role.js';
import { GLUE_TYPES, glueColumns, PARTITION_KEYS, projectionParameters } from './fact-tables.js';
import type { Naming } from './naming.js';

export interface CatalogProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  processed: S3Bucket;
  quarantine: S3Bucket;
}

// The crawler keeps one table per fact folder even if a month's files differ slightly, and new
// partitions inherit the table's schema instead of growing their own.
const CRAWLER_CONFIGURATION = JSON.stringify({
  Version: 1.0,
  Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
});

/**
 * The Glue catalog of the fact tables, plus the quarantine table in both modes, in one of two modes (`StageConfig.catalog.mode`, see
 * config.ts for when to use which): a crawler over `processed/store_sales/<table>/`, or tables
 * defined here from the fact contract with partition projection (no crawler at all).
 */
export class Catalog extends Construct {
  readonly database: GlueCatalogDatabase;
  /** Undefined in projection mode: nothing to crawl. */
  readonly crawler?: GlueCrawler;
  readonly quarantineTable: GlueCatalogTable;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const { config, naming, processed } = props;
    this.database = new GlueCatalogDatabase(this, 'database', {
      name: naming.glue(),
      description: `Store-sales fact tables (${config.stage}); views and dbt models live here too`,
    });
    const location = (prefix: string) => `s3://${processed.bucket}/${prefix}`;
    this.quarantineTable = quarantineTable(this, this.database, props.quarantine);

    if (config.catalog.mode === 'crawler') {
      const role = new CrawlerRole(this, 'crawler-role', {
        ...props,
        databaseName: this.database.name,
        readPrefix: LAKE.processedPrefix,
      });
      this.crawler = new GlueCrawler(this, 'crawler', {
        name: naming.name('facts-crawler'),
        description: 'Registers the fact tables and their order_year/order_month partitions',
        role: role.role.arn,
        databaseName: this.database.name,
        securityConfiguration: role.securityConfiguration.name,
        configuration: CRAWLER_CONFIGURATION,
        s3Target: Object.values(FACT_TABLES).map((t) => ({
          path: location(t.prefix),
          exclusions: ['**/.*', '**/_*'],
        })),
        schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
        recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
        dependsOn: [role.policy],
      });
      return;
    }

    for (const name of FACT_TABLE_NAMES) {
      const table = FACT_TABLES[name];
      new GlueCatalogTable(this, name, {
        name,
        databaseName: this.database.name,
        description: `${table.grain}; partitions projected, no crawler`,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'parquet',
          // What the ETL writes (lambda/core/parquet-file-writer.ts); readers ignore it, Athena writers honour it.
          'parquet.compression': 'ZSTD',
          ...projectionParameters(),
        },
        partitionKeys: PARTITION_KEYS.map((k) => ({ ...k })),
        storageDescriptor: {
          location: location(table.prefix),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serDeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            parameters: { 'serialization.format': '1' },
          },
          columns: glueColumns(name),
        },
      });
    }
  }
}

/**
 * `quarantine_records` over the ETL's quarantine files (`quarantine/store_sales/<source>.jsonl`,
 * JSON lines), with the contract's columns (contracts/quarantine-table.ts): what the data-quality
 * view and mart read on Athena, as the DuckDB view does locally. Defined here in both catalog
 * modes (the crawler crawls the processed facts only). Not partitioned: one small file per source.
 * The Lambda's refused-source records under `_refused/` are not read: Athena (Hive) skips files
 * and folders whose names start with `_` or `.`, so the table sees `<source>.jsonl` only, the same
 * files as the local view's non-recursive glob. Fields a record has beyond the columns
 * (`violations`, `raw`, ...) are ignored by the SerDe. Athena reads the bucket with the caller's rights: the
 * refresh runner's GetObject/ListBucket on the quarantine prefix (refresh-runner-role.ts).
 */
function quarantineTable(
  scope: Construct,
  database: GlueCatalogDatabase,
  bucket: S3Bucket,
): GlueCatalogTable {
  return new GlueCatalogTable(scope, QUARANTINE_TABLE.name, {
    name: QUARANTINE_TABLE.name,
    databaseName: database.name,
    description: `${QUARANTINE_TABLE.grain}; JSON lines written by the ETL`,
    tableType: 'EXTERNAL_TABLE',
    parameters: { EXTERNAL: 'TRUE', classification: 'json' },
    storageDescriptor: {
      location: `s3://${bucket.bucket}/${QUARANTINE_TABLE.prefix}`,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serDeInfo: {
        serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        // A malformed line is a bug in the quarantine writer: fail the query, never skip it silently.
        parameters: { 'ignore.malformed.json': 'FALSE' },
      },
      columns: QUARANTINE_TABLE.columns.map((c) => ({ name: c.name, type: GLUE_TYPES[c.kind] })),
    },
  });
}
