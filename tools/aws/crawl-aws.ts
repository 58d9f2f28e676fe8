import { EntityNotFoundException } from '@aws-sdk/client-glue';
import { FACT_TABLE_NAMES } from '../../contracts/fact-tables.js';
import { OpsError } from '../../contracts/ops-error.js';
import type { AwsClients } from './clients.js';
import type { AwsConfig } from './config.js';
import { describeGlueTables, type GlueCatalogInfo } from './glue-catalog.js';
import { CrawlFailedError, type CrawlOptions, type CrawlRun, runCrawler } from './glue-crawler.js';
import { WaitTimeoutError } from './poll.js';

/** What `ops crawl --target aws` did: the crawl (none in projection mode) and the catalog after it. */
export interface AwsCrawlResult {
  crawl: CrawlRun | undefined;
  catalog: GlueCatalogInfo;
}

/**
 * `ops crawl --target aws`: runs the stack's Glue crawler (an empty `glue_crawler_name` output,
 * or an empty STORE_SALES_GLUE_CRAWLER, means the stage projects partitions, so nothing is crawled), then reports the fact tables and
 * their partitions from the Glue catalog. Failures become OpsErrors saying what to do.
 */
export async function crawlAws(
  config: AwsConfig,
  clients: AwsClients,
  options: CrawlOptions,
): Promise<AwsCrawlResult> {
  const database = config.require('database');
  // Empty from the stack output or the runner's environment (not a flag): partitions are projected.
  const projection = config.get('crawler') === '' && !config.origin('crawler')?.startsWith('--');
  let crawl: CrawlRun | undefined;
  if (!projection) {
    const name = config.require('crawler');
    try {
      crawl = await runCrawler(clients.glue, name, options);
    } catch (err) {
      throw crawlError(err, name);
    }
  }
  const catalog = await describeGlueTables(clients.glue, database, FACT_TABLE_NAMES).catch((err: unknown) => {
    if (err instanceof EntityNotFoundException) {
      throw new OpsError(
        'NO_GLUE_DATABASE',
        `Glue database ${database} does not exist`,
        'check --database or deploy the stack',
      );
    }
    throw err;
  });
  if (catalog.missing.length) {
    throw new OpsError(
      'NO_FACT_TABLES',
      `the crawl registered no ${catalog.missing.join(' or ')} in ${database}`,
      'the crawler finds tables only where the ETL wrote Parquet: run `npx ops upload --target aws` (or `npx ops etl --target aws`), then crawl again',
    );
  }
  return { crawl, catalog };
}

function crawlError(err: unknown, name: string): unknown {
  if (err instanceof WaitTimeoutError) {
    return new OpsError(
      'CRAWL_TIMEOUT',
      err.message,
      'the crawl keeps running in Glue: run `npx ops crawl --target aws` again to wait for it, or raise --timeout',
      { cause: err },
    );
  }
  if (err instanceof CrawlFailedError) {
    return new OpsError('CRAWL_FAILED', err.message, err.logs ? `see ${err.logs}` : undefined, {
      cause: err,
    });
  }
  if (err instanceof EntityNotFoundException) {
    return new OpsError(
      'NO_CRAWLER',
      `Glue crawler ${name} does not exist`,
      'check --crawler or the outputs file',
      {
        cause: err,
      },
    );
  }
  return err;
}
