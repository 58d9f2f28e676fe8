import { OpsError } from '../../contracts/ops-error.js';
import type { AwsClients, FailedRequest } from './clients.js';
import type { AwsConfig } from './config.js';
import { type AwsArgs, awsConfigFrom, DEFAULT_AWS_TIMEOUT_SECONDS } from './options.js';

/** What a `--target aws` command works with: the resolved configuration and its clients. */
export interface AwsSession {
  config: AwsConfig;
  clients: AwsClients;
  /** `--timeout` in milliseconds. */
  timeoutMs: number;
}

/** Turns the SDK's low-level failures into OpsErrors that say what to do; others pass through. */
export function explainAwsError(err: unknown, config: AwsConfig): unknown {
  if (err instanceof OpsError) return err;
  const e = err as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $request?: FailedRequest;
  };
  // `GetObject s3://bucket/key`: which request failed (AwsClients tags each failure)
  const request = e.$request
    ? `${e.$request.operation}${e.$request.resource ? ` ${e.$request.resource}` : ''}`
    : '';
  if (e.name === 'CredentialsProviderError') {
    return new OpsError(
      'AWS_CREDENTIALS',
      `no AWS credentials: ${e.message}`,
      'log in (`aws sso login --profile NAME` and export AWS_PROFILE) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      { cause: err },
    );
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.name === 'TimeoutError') {
    const where = config.endpoint ?? `the ${config.get('region') ?? ''} endpoints`;
    return new OpsError(
      'AWS_UNREACHABLE',
      `cannot reach ${where}: ${e.message ?? e.code}`,
      'check --endpoint-url / AWS_ENDPOINT_URL and the network',
      {
        cause: err,
      },
    );
  }
  if (
    e.name === 'AccessDeniedException' ||
    e.name === 'AccessDenied' ||
    e.$metadata?.httpStatusCode === 403
  ) {
    return new OpsError(
      'AWS_ACCESS_DENIED',
      `AWS refused the request${request ? ` ${request}` : ''}: ${e.name}: ${e.message}`,
      'use credentials allowed to run the stack (check AWS_PROFILE; a KMS-encrypted object also needs kms:Decrypt on the stage key)',
      {
        cause: err,
      },
    );
  }
  if (e.name === 'NoSuchBucket') {
    return new OpsError(
      'AWS_NO_BUCKET',
      `the bucket of ${request || 'the request'} does not exist`,
      'check the bucket flags (--raw-bucket, …) and the outputs file against the deployed stack (`terraform output -json`): the stack may not be applied yet, or was destroyed',
      { cause: err },
    );
  }
  // a named resource the stack should have (a function, a Glue entity, a workgroup) is not there;
  // not an S3 key (NoSuchKey: the caller's to judge) nor a query Athena rejects for its SQL
  if (
    e.$request &&
    (['ResourceNotFoundException', 'EntityNotFoundException'].includes(e.name ?? '') ||
      /^WorkGroup\b.*(is not found|does not exist)/i.test(e.message ?? ''))
  ) {
    return new OpsError(
      'AWS_NOT_FOUND',
      `${request}: ${e.name}: ${e.message}`,
      'check the names in the flags and the outputs file against the deployed stack (`terraform output -json`): the stack may not be applied yet, or was destroyed',
      { cause: err },
    );
  }
  // AWS kept failing (5xx) after the SDK's retries: say which request
  if (e.$request && (e.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new OpsError(
      'AWS_UNAVAILABLE',
      `${request} kept failing: ${e.name}: ${e.message} (HTTP ${e.$metadata?.httpStatusCode}, after the SDK's retries)`,
      'retry later; if it persists, check the service health page or --endpoint-url',
      { cause: err },
    );
  }
  return err;
}

/**
 * Runs a `--target aws` command's work: resolves the configuration from flags, environment and the
 * outputs file, creates the clients (requests may take up to `--timeout`), explains AWS failures,
 * and always closes the clients.
 */
export async function withAwsSession<T>(
  args: AwsArgs,
  work: (session: AwsSession) => Promise<T>,
): Promise<T> {
  const config = await awsConfigFrom(args);
  const timeoutMs = (args.timeout ?? DEFAULT_AWS_TIMEOUT_SECONDS) * 1000;
  // The SDK loads with the first session, not with `ops` itself (test/tools/commands/cli-startup.test.ts).
  const { AwsClients } = await import('./clients.js');
  const clients = new AwsClients(config, { requestTimeoutMs: timeoutMs });
  try {
    return await work({ config, clients, timeoutMs });
  } catch (err) {
    throw explainAwsError(err, config);
  } finally {
    clients.destroy();
  }
}
