import type { StackOutputName } from '../../contracts/stack-outputs.js';

/** One setting of the AWS target: the flag, environment variable and Terraform output that give it. */
export interface SettingSource {
  flag: string;
  env: string;
  output: StackOutputName;
  /** What it is, for messages. */
  label: string;
  /**
   * An empty environment variable is a value, not "unset": the refresh runner sets
   * `STORE_SALES_GLUE_CRAWLER=''` in projection mode, as the stack output does.
   */
  emptyIsValue?: boolean;
}

/**
 * Every value `--target aws` may need. Precedence: flag, then environment, then the stack's
 * outputs file. Env names follow the Lambda's and dbt's own (`STORE_SALES_GLUE_DATABASE`).
 */
export const AWS_SETTINGS = {
  region: { flag: 'region', env: 'AWS_REGION', output: 'region', label: 'AWS region' },
  rawBucket: { flag: 'raw-bucket', env: 'STORE_SALES_RAW_BUCKET', output: 'raw_bucket', label: 'raw bucket' },
  processedBucket: {
    flag: 'processed-bucket',
    env: 'STORE_SALES_PROCESSED_BUCKET',
    output: 'processed_bucket',
    label: 'processed bucket',
  },
  quarantineBucket: {
    flag: 'quarantine-bucket',
    env: 'STORE_SALES_QUARANTINE_BUCKET',
    output: 'quarantine_bucket',
    label: 'quarantine bucket',
  },
  resultsBucket: {
    flag: 'results-bucket',
    env: 'STORE_SALES_RESULTS_BUCKET',
    output: 'athena_results_bucket',
    label: 'Athena results bucket',
  },
  analyticsBucket: {
    flag: 'analytics-bucket',
    env: 'STORE_SALES_ANALYTICS_BUCKET',
    output: 'analytics_bucket',
    label: 'analytics bucket',
  },
  database: {
    flag: 'database',
    env: 'STORE_SALES_GLUE_DATABASE',
    output: 'glue_database',
    label: 'Glue database',
  },
  workgroup: {
    flag: 'workgroup',
    env: 'STORE_SALES_ATHENA_WORKGROUP',
    output: 'athena_workgroup',
    label: 'Athena workgroup',
  },
  crawler: {
    flag: 'crawler',
    env: 'STORE_SALES_GLUE_CRAWLER',
    output: 'glue_crawler_name',
    label: 'Glue crawler',
    emptyIsValue: true,
  },
  etlFunction: {
    flag: 'function',
    env: 'STORE_SALES_ETL_FUNCTION',
    output: 'etl_function_name',
    label: 'ETL Lambda function',
  },
} as const satisfies Record<string, SettingSource>;
export type AwsSetting = keyof typeof AWS_SETTINGS;
