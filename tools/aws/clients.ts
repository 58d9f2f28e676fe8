import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsConfig } from './config.js';

/**
 * Attempts per request (the first try included) in the SDK's `standard` retry mode, which retries
 * throttling, 5xx and connection errors with jittered exponential backoff. Bounded so a broken
 * endpoint fails in seconds rather than hanging a command.
 */
export const AWS_MAX_ATTEMPTS = 4;

/** Milliseconds to open a connection before the attempt counts as failed (and is retried). */
const CONNECTION_TIMEOUT_MS = 10_000;

export interface ClientSettings {
  region: string;
  /** Emulated or S3-compatible endpoint (moto, MinIO); S3 then uses path-style addressing. */
  endpoint?: string | undefined;
  maxAttempts?: number;
  /** Milliseconds one request may take (0 = no limit); a synchronous Lambda invocation needs long. */
  requestTimeoutMs?: number;
}

/**
 * The shared client configuration. Credentials are not set here: the SDK's default chain finds
 * them (env, shared config/SSO profile, web identity, container or instance role).
 */
export function clientConfig(s: ClientSettings) {
  return {
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    retryMode: 'standard',
    maxAttempts: s.maxAttempts ?? AWS_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: s.requestTimeoutMs ?? 0 },
  };
}

/** One client per service, created on first use from the resolved configuration. */
export class AwsClients {
  private cache = new Map<string, { destroy(): void }>();

  constructor(
    private readonly config: AwsConfig,
    private readonly overrides: Pick<ClientSettings, 'maxAttempts' | 'requestTimeoutMs'> = {},
  ) {}

  private settings(): ClientSettings {
    return { region: this.config.require('region'), endpoint: this.config.endpoint, ...this.overrides };
  }

  private once<T extends { destroy(): void }>(name: string, make: () => T): T {
    let client = this.cache.get(name) as T | undefined;
    if (!client) {
      client = make();
      nameFailedRequests(client as unknown as MiddlewareClient);
      this.cache.set(name, client);
    }
    return client;
  }

  get s3(): S3Client {
    return this.once('s3', () => {
      const s = this.settings();
      return new S3Client({ ...clientConfig(s), forcePathStyle: Boolean(s.endpoint) });
    });
  }

  get athena(): AthenaClient {
    return this.once('athena', () => new AthenaClient(clientConfig(this.settings())));
  }

  get glue(): GlueClient {
    return this.once('glue', () => new GlueClient(clientConfig(this.settings())));
  }

  get lambda(): LambdaClient {
    return this.once('lambda', () => new LambdaClient(clientConfig(this.settings())));
  }

  /** Closes the clients' sockets so the process can exit. */
  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }
}

/** What a failed request was (`GetObject s3://bucket/key`), set on its error as `$request`. */
export interface FailedRequest {
  operation: string;
  resource?: string;
}

type MiddlewareClient = {
  middlewareStack: {
    add(
      mw: (
        next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
};

/**
 * Tags every error a client's request throws with the operation and the resource it named, so
 * that an access refusal or a missing bucket can say which request (tools/aws/session.ts): the
 * SDK's own message often does not (a 403 on HeadObject is "UnknownError").
 */
function nameFailedRequests(client: MiddlewareClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (err && typeof err === 'object') {
          const input = args.input;
          const text = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
          const [bucket, database, name] = [text('Bucket'), text('DatabaseName'), text('Name')];
          const resource = bucket
            ? `s3://${bucket}/${text('Key') ?? text('Prefix') ?? ''}`
            : (text('FunctionName') ??
              text('WorkGroup') ??
              (database && name ? `${database}.${name}` : (name ?? database)));
          const request: FailedRequest = {
            operation: (context.commandName ?? 'request').replace(/Command$/, ''),
            ...(resource ? { resource } : {}),
          };
          Object.assign(err, { $request: request });
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'storeSalesNameFailedRequests' },
  );
}
