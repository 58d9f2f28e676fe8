import type { Argv } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';
import { TRINO_CATALOG } from './server-config.js';

/** The `--target trino` flags as yargs parses them (kebab-case keys). */
export interface TrinoArgs {
  'trino-url'?: string;
  'trino-user'?: string;
  'trino-password'?: string;
  'trino-catalog'?: string;
  'trino-schema'?: string;
  'lake-bucket'?: string;
  'endpoint-url'?: string;
}

/** Where the fact tables live when no schema is named: one schema holds facts, views and marts. */
export const DEFAULT_TRINO_SCHEMA = 'store_sales';
/** The user dbt/profiles.yml defaults to as well. */
export const DEFAULT_TRINO_USER = 'store_sales';

/** The Trino target's settings after flags, then environment, then defaults. */
export interface TrinoSettings {
  /** Coordinator URL; undefined = start (or reuse) the project's development server. */
  url?: string;
  user: string;
  password?: string;
  catalog: string;
  schema: string;
  /** The lake in an S3-compatible bucket instead of the lake folder. */
  bucket?: { name: string; endpoint?: string; region: string };
}

/** Each flag, the environment variable it falls back to (dbt's profile reads the same names), its help. */
const FLAGS = {
  url: [
    'trino-url',
    'TRINO_URL',
    'coordinator URL, https:// for TLS [default: start/reuse the local development server]',
  ],
  user: ['trino-user', 'TRINO_USER', `user queries run as [default ${DEFAULT_TRINO_USER}]`],
  password: [
    'trino-password',
    'TRINO_PASSWORD',
    'password (HTTP basic auth; Trino accepts it over https only)',
  ],
  catalog: [
    'trino-catalog',
    'TRINO_CATALOG',
    `Hive connector catalog of the fact tables [default ${TRINO_CATALOG}]`,
  ],
  schema: [
    'trino-schema',
    'TRINO_SCHEMA',
    `schema of the fact tables, views and marts [default ${DEFAULT_TRINO_SCHEMA}]`,
  ],
  bucket: [
    'lake-bucket',
    'STORE_SALES_LAKE_BUCKET',
    'S3-compatible bucket holding the lake (processed/ is mirrored to it)',
  ],
} as const;

const GROUP = 'Trino (--target trino; flags win over env):';

/**
 * Adds the Trino target's flags. `--endpoint-url` (path-style S3, env AWS_ENDPOINT_URL) is the same
 * flag the AWS target defines: it is added here only when no other target did.
 */
export function withTrinoOptions<T>(y: Argv<T>): Argv<T & TrinoArgs> {
  let out = y as unknown as Argv<T & TrinoArgs>;
  for (const [flag, env, describe] of Object.values(FLAGS)) {
    out = out.option(flag, {
      type: 'string',
      group: GROUP,
      describe: `${describe} [env ${env}]`,
    }) as unknown as Argv<T & TrinoArgs>;
  }
  // getOptions() is public at run time but missing from yargs' types.
  const defined = (y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key;
  if (!defined['endpoint-url']) {
    out = out.option('endpoint-url', {
      type: 'string',
      group: GROUP,
      describe: 'S3-compatible endpoint of --lake-bucket (path-style) [env AWS_ENDPOINT_URL]',
    }) as unknown as Argv<T & TrinoArgs>;
  }
  return out;
}

/** Resolves a command's Trino settings: flag, then environment variable, then default. */
export function trinoSettings(args: TrinoArgs, env: NodeJS.ProcessEnv = process.env): TrinoSettings {
  const pick = (key: keyof typeof FLAGS): string | undefined => {
    const [flag, name] = FLAGS[key];
    return args[flag] || env[name] || undefined;
  };
  const url = pick('url')?.replace(/\/+$/, '');
  const password = pick('password');
  if (password !== undefined && url && !url.startsWith('https://')) {
    throw new OpsError(
      'TRINO_PASSWORD_NEEDS_TLS',
      `a Trino password is sent over https only; --trino-url is ${url}`,
      'use the https:// URL of the coordinator (its certificate must be trusted: NODE_EXTRA_CA_CERTS for a private CA)',
    );
  }
  const bucket = pick('bucket');
  const endpoint = args['endpoint-url'] || env.AWS_ENDPOINT_URL || undefined;
  return {
    ...(url ? { url } : {}),
    user: pick('user') ?? DEFAULT_TRINO_USER,
    ...(password !== undefined ? { password } : {}),
    catalog: pick('catalog') ?? TRINO_CATALOG,
    schema: pick('schema') ?? DEFAULT_TRINO_SCHEMA,
    ...(bucket
      ? {
          bucket: {
            name: bucket,
            ...(endpoint ? { endpoint } : {}),
            region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
          },
        }
      : {}),
  };
}
