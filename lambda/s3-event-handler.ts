import type { S3Event } from 'aws-lambda';
import { isRawSourceKey } from '../contracts/lake-keys.js';
import type { ObjectStore } from './core/object-store.js';
import { type EtlResult, type ProcessOptions, processSource } from './core/process-source.js';
import { emfFields } from './etl-metrics.js';
import type { Logger } from './logger.js';

export interface S3EventHandlerDeps {
  /** The store of an event record's bucket (the raw bucket comes from the event). */
  storeFor(bucket: string): ObjectStore;
  processed: ObjectStore;
  quarantine: ObjectStore;
  log: Logger;
  /** Passed to `processSource` for every record (temp folder, encoder thread, clock). */
  options?: Omit<ProcessOptions, 'processedStore' | 'quarantineStore'>;
}

/** What one invocation did: a result per processed source, and the keys it skipped. */
export interface S3EventSummary {
  results: EtlResult[];
  skipped: string[];
}

/** Some sources of the event failed; the others were processed. Lambda then retries (idempotent). */
export class EtlBatchError extends Error {
  override readonly name = 'EtlBatchError';
  readonly code = 'etl_failed';
  constructor(readonly failures: { key: string; error: string }[]) {
    super(`${failures.length} source(s) failed: ${failures.map((f) => `${f.key} (${f.error})`).join('; ')}`);
  }
}

/** S3 event keys are URL-encoded with `+` for spaces: `raw/store_sales/my+file%282%29.json`. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * The S3-event handler, free of AWS clients so tests can inject local stores. It runs the ETL on
 * every `ObjectCreated` record of the batch in order, skips keys that are not raw sources (so a
 * shared bucket cannot trigger itself on its own outputs), logs one line per source, and throws
 * `EtlBatchError` at the end if any source failed, so the invocation is marked failed and retried.
 */
export function createS3EventHandler(deps: S3EventHandlerDeps): (event: S3Event) => Promise<S3EventSummary> {
  return async (event) => {
    const summary: S3EventSummary = { results: [], skipped: [] };
    const failures: { key: string; error: string }[] = [];
    for (const record of event.Records ?? []) {
      const bucket = record.s3.bucket.name;
      const key = decodeS3Key(record.s3.object.key);
      if (!record.eventName.startsWith('ObjectCreated') || !isRawSourceKey(key)) {
        deps.log.info('skipped object', { bucket, key, eventName: record.eventName });
        summary.skipped.push(key);
        continue;
      }
      try {
        const result = await processSource(deps.storeFor(bucket), key, {
          ...deps.options,
          processedStore: deps.processed,
          quarantineStore: deps.quarantine,
        });
        summary.results.push(result);
        const { read, loaded, quarantined, byReason, byFormat, files, removed, durationMs } = result;
        const context = {
          bucket,
          key,
          read,
          loaded,
          quarantined,
          byReason,
          byFormat,
          files,
          removed,
          durationMs: Math.round(durationMs),
          ...emfFields(
            key.slice(key.lastIndexOf('/') + 1),
            { read, loaded, quarantined, byFormat },
            new Date(),
          ),
        };
        if (result.status === 'failed') {
          deps.log.error('source rejected', { ...context, failure: result.failure });
          failures.push({ key, error: result.failure ?? 'failed' });
        } else deps.log.info('source processed', context);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        deps.log.error('source failed', { bucket, key, error, code: (err as { code?: string }).code });
        failures.push({ key, error });
      }
    }
    if (failures.length) throw new EtlBatchError(failures);
    return summary;
  };
}
