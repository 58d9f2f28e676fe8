import type { AwsConfig } from './config.js';

/** What dbt/profiles.yml's athena target and sources.yml read on `--target aws`. */
export const ATHENA_ENV = [
  'ATHENA_REGION',
  // the profile has no fallback for it (tables under the expiring results prefix would lose
  // their files): from the outputs file's dbt_s3_data_dir, or exported
  'ATHENA_S3_DATA_DIR',
  'ATHENA_S3_STAGING_DIR',
  'ATHENA_SCHEMA',
  'ATHENA_WORKGROUP',
  'STORE_SALES_GLUE_DATABASE',
] as const;

/**
 * The environment dbt/profiles.yml's `athena` target and sources.yml read, from the resolved
 * AWS configuration: models and views land in the Glue database of the fact tables, tables in
 * the stack's dbt data dir (through the dbt workgroup, which does not enforce its result
 * location), query results in the results prefix. `AWS_ENDPOINT_URL` carries an emulated endpoint to boto3.
 */
export function athenaDbtEnv(config: AwsConfig): Record<string, string> {
  const database = config.require('database');
  return {
    ATHENA_REGION: config.require('region'),
    ATHENA_S3_STAGING_DIR: config.athenaOutputLocation(true) as string,
    ATHENA_SCHEMA: database,
    ATHENA_WORKGROUP: config.dbtWorkgroup(),
    STORE_SALES_GLUE_DATABASE: database,
    // Where dbt-athena should keep the tables it builds (the results prefix expires).
    ...(config.dbtS3DataDir() ? { ATHENA_S3_DATA_DIR: config.dbtS3DataDir() as string } : {}),
    ...(config.endpoint ? { AWS_ENDPOINT_URL: config.endpoint } : {}),
  };
}

/**
 * Sets each variable of `vars` that `env` does not already have: values exported by hand
 * (a personal ATHENA_SCHEMA, say) win over the stack's. Returns the names it set.
 */
export function fillEnv(env: NodeJS.ProcessEnv, vars: Record<string, string>): string[] {
  const set: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (env[name]) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
