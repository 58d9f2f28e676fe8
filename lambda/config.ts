import { z } from 'zod';

/** The Lambda's environment, validated once at cold start. */
const envSchema = z.object({
  /** Bucket the Parquet files go to (`processed/store_sales/…`). */
  PROCESSED_BUCKET: z.string().min(1),
  /** Bucket the quarantine files go to (`quarantine/store_sales/…`); may equal the raw bucket. */
  QUARANTINE_BUCKET: z.string().min(1),
  /** Optional S3 endpoint (moto, LocalStack); path-style addressing is used with it. */
  S3_ENDPOINT: z.string().url().optional(),
  /** Set by Lambda (MB, as Lambda counts them: MiB); two vCPUs from 3,538 MB decide whether Parquet gets its own thread. */
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: z.coerce.number().int().positive().optional(),
});

export interface EtlConfig {
  processedBucket: string;
  quarantineBucket: string;
  s3Endpoint: string | undefined;
  /**
   * `false` below two vCPUs (Lambda gives 1 vCPU per 1,769 MB), where a Parquet encoder thread
   * cannot run in parallel; otherwise undefined: `processSource` decides by the source's size.
   */
  encoderThread: false | undefined;
  /** The function's memory in MB, for the MemoryUsedPercent metric; undefined outside Lambda. */
  memoryMb: number | undefined;
}

/** A required environment variable is missing or malformed; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config';
}

/** Reads and checks the configuration; throws `ConfigError` naming every bad variable. */
export function readConfig(env: NodeJS.ProcessEnv): EtlConfig {
  const parsed = envSchema.safeParse({ ...env, S3_ENDPOINT: env.S3_ENDPOINT || undefined });
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
    throw new ConfigError(`environment variable(s) missing or invalid: ${names.join(', ')}`);
  }
  const e = parsed.data;
  return {
    processedBucket: e.PROCESSED_BUCKET,
    quarantineBucket: e.QUARANTINE_BUCKET,
    s3Endpoint: e.S3_ENDPOINT,
    encoderThread: (e.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 0) >= 3538 ? undefined : false,
    memoryMb: e.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  };
}
