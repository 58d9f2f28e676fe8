/**
 * Names of the Terraform outputs each stack exposes and the ops CLI reads (`terraform output
 * -json` in `cdktf.out/stacks/<stack>`). Renaming one breaks `ops --target aws`. This module has
 * no cdktf import, so the CLI can use the names without loading cdktf.
 * `glue_crawler_name` is '' when the stage projects partitions (`catalog_mode` = projection).
 */
export const STACK_OUTPUTS = [
  'region',
  'raw_bucket',
  'processed_bucket',
  'quarantine_bucket',
  'athena_results_bucket',
  'etl_function_name',
  'glue_database',
  'glue_crawler_name',
  'athena_workgroup',
  'dbt_athena_workgroup',
  'athena_output_location',
  'dbt_s3_data_dir',
  'catalog_mode',
  'etl_failure_queue_url',
  'analytics_bucket',
  'refresh_project_name',
  'alerts_topic_arn',
] as const;
export type StackOutputName = (typeof STACK_OUTPUTS)[number];
