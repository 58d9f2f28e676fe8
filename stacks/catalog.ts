import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database/index.js';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table/index.js';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler/index.js';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { Construct } from 'constructs';
import { FACT_TABLE_NAMES, FACT_TABLES } from '../contracts/fact-tables.js';
import { LAKE } from '../contracts/lake-layout.js';
import type { StageConfig } from './config.js';
import { CrawlerRole } from './crawler-role.js';
import { glueColumns, PARTITION_KEYS, projectionParameters } from './fact-tables.js';
import type { Naming } from './naming.js';

export interface CatalogProps {
  config: StageConfig;
  naming: Naming;
  accountId: string;
  kmsKeyArn: string;
  processed: S3Bucket;
}

// The crawler keeps one table per fact folder even if a month's files differ slightly, and new
// partitions inherit the table's schema instead of growing their own.
const CRAWLER_CONFIGURATION = JSON.stringify({
  Version: 1.0,
  Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
});

/**
 * The Glue catalog of the fact tables, in one of two modes (`StageConfig.catalog.mode`, see
 * config.ts for when to use which): a crawler over `processed/store_sales/<table>/`, or tables
 * defined here from the fact contract with partition projection (no crawler at all).
 */
export class Catalog extends Construct {
  readonly database: GlueCatalogDatabase;
  /** Undefined in projection mode: nothing to crawl. */
  readonly crawler?: GlueCrawler;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const { config, naming, processed } = props;
    this.database = new GlueCatalogDatabase(this, 'database', {
      name: naming.glue(),
      description: `Store-sales fact tables (${config.stage}); views and dbt models live here too`,
    });
    const location = (prefix: string) => `s3://${processed.bucket}/${prefix}`;

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
          ...projectionParameters(config.catalog.projectionYears),
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
