import type { Argv } from 'yargs';
import { wholeAtLeastOne } from '../lib/options.js';
import { type AwsConfig, resolveAwsConfig } from './config.js';
import { DEFAULT_OUTPUTS_FILE } from './outputs-file.js';
import { AWS_SETTINGS } from './settings.js';

/** The `--target aws` options as yargs parses them (kebab-case keys; yargs adds camelCase twins). */
export interface AwsArgs {
  'outputs-file'?: string;
  stack?: string;
  'endpoint-url'?: string;
  region?: string;
  'raw-bucket'?: string;
  'processed-bucket'?: string;
  'quarantine-bucket'?: string;
  'results-bucket'?: string;
  'analytics-bucket'?: string;
  database?: string;
  workgroup?: string;
  crawler?: string;
  function?: string;
  /** Seconds to wait for one crawl, Athena query or Lambda invocation (commands that wait), or for `upload --wait`. */
  timeout?: number;
}

const GROUP = 'AWS (--target aws; flags win over env, env over the outputs file):';

/** Default `--timeout`: a crawl of a year of data takes a few minutes, a view or export seconds. */
export const DEFAULT_AWS_TIMEOUT_SECONDS = 900;

/**
 * Adds the AWS target's options to a command: where the stack's outputs are, the endpoint, every
 * resource name as an override, and (unless `waits` is false) the wait timeout. Only
 * `--target aws` reads them.
 */
export function withAwsOptions<T>(y: Argv<T>, { waits = true }: { waits?: boolean } = {}): Argv<T & AwsArgs> {
  let out = y
    .option('outputs-file', {
      type: 'string',
      group: GROUP,
      describe: `stack outputs JSON from \`cdktf output --outputs-file\` [env STORE_SALES_OUTPUTS_FILE; default ${DEFAULT_OUTPUTS_FILE}]`,
    })
    .option('stack', {
      type: 'string',
      group: GROUP,
      describe:
        'stack to read when the outputs file holds several, e.g. store-sales-dev [env STORE_SALES_STACK]',
    })
    .option('endpoint-url', {
      type: 'string',
      group: GROUP,
      describe: 'S3-compatible or emulated AWS endpoint (path-style S3) [env AWS_ENDPOINT_URL]',
    }) as unknown as Argv<T & AwsArgs>;
  if (waits) {
    out = out.option('timeout', {
      type: 'number',
      group: GROUP,
      default: DEFAULT_AWS_TIMEOUT_SECONDS,
      coerce: wholeAtLeastOne('--timeout', DEFAULT_AWS_TIMEOUT_SECONDS),
      describe:
        'seconds to wait for one crawl, Athena query or Lambda invocation (upload --wait: for the ETL of all the files)',
    }) as unknown as Argv<T & AwsArgs>;
  }
  for (const s of Object.values(AWS_SETTINGS)) {
    out = out.option(s.flag, {
      type: 'string',
      group: GROUP,
      describe: `${s.label} [env ${s.env}; output ${s.output}]`,
    }) as unknown as Argv<T & AwsArgs>;
  }
  return out;
}

/** Resolves the AWS configuration of a command's parsed arguments against `process.env`. */
export function awsConfigFrom(args: AwsArgs, env: NodeJS.ProcessEnv = process.env): Promise<AwsConfig> {
  const flags: Record<string, string | undefined> = { 'endpoint-url': args['endpoint-url'] };
  for (const s of Object.values(AWS_SETTINGS))
    flags[s.flag] = args[s.flag as keyof AwsArgs] as string | undefined;
  return resolveAwsConfig({
    flags,
    env,
    ...(args['outputs-file'] ? { outputsFile: args['outputs-file'] } : {}),
    ...(args.stack ? { stack: args.stack } : {}),
  });
}
