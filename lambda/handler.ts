import { readConfig } from './config.js';
import { jsonLogger } from './logger.js';
import { createS3EventHandler } from './s3-event-handler.js';
import { createS3Client, S3ObjectStore } from './s3-object-store.js';

/**
 * The Lambda entry point (`index.handler` in the bundle): S3 ObjectCreated events on
 * `raw/store_sales/` -> Parquet in PROCESSED_BUCKET, rejects in QUARANTINE_BUCKET. Configuration
 * and clients are set up once per container, at cold start, which fails naming any missing
 * variable. Everything else lives in plain, AWS-free code (`core/`, `s3-event-handler.ts`).
 */
const config = readConfig(process.env);
const client = createS3Client({ endpoint: config.s3Endpoint });
const stores = new Map<string, S3ObjectStore>();
const storeFor = (bucket: string): S3ObjectStore => {
  const store = stores.get(bucket) ?? new S3ObjectStore(client, bucket);
  stores.set(bucket, store);
  return store;
};

export const handler = createS3EventHandler({
  storeFor,
  processed: storeFor(config.processedBucket),
  quarantine: storeFor(config.quarantineBucket),
  log: jsonLogger('store-sales-etl'),
  options: { encoderThread: config.encoderThread },
  ...(config.memoryMb ? { memoryMb: config.memoryMb } : {}),
});

export { createS3EventHandler } from './s3-event-handler.js';
