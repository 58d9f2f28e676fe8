import { InvokeCommand } from '@aws-sdk/client-lambda';
import { isRawSourceKey, ledgerRawKey, quarantineKey, sourceStem } from '../../contracts/lake-keys.js';
import { LAKE } from '../../contracts/lake-layout.js';
import { oneLine } from '../../contracts/ops-error.js';
import { loadFxTable } from '../../lambda/core/fx-table.js';
import type { ObjectStore } from '../../lambda/core/object-store.js';
import type { EtlResult } from '../../lambda/core/process-source.js';
import { hasRecordDue } from '../../lambda/core/quarantine-retry.js';
import { readLedger } from '../../lambda/core/source-ledger.js';
import { contestedSources } from '../../lambda/core/source-policy.js';
import { jsonLogger, type Logger } from '../../lambda/logger.js';
import { createS3EventHandler, type S3EventSummary } from '../../lambda/s3-event-handler.js';
import { S3ObjectStore } from '../../lambda/s3-object-store.js';
import type { AwsClients } from './clients.js';
import { mapConcurrent } from './concurrency.js';
import type { AwsConfig } from './config.js';
import { planAwsRun } from './etl-plan.js';
import { s3PutEvent } from './s3-event.js';

/**
 * Raw sources whose quarantine file (`quarantine/store_sales/<stem>.jsonl`) holds a future-dated
 * order now in range, or an order without a USD rate whose rate the raw bucket's FX reference now
 * has, by the raw key of the same base name (a lone one: colliding names are refused); then those
 * whose ledger still flags them (`holdersChanged`: a holder dropped orders they left to it, and no
 * run of them has loaded those yet, Lambda's retries spent; docs/duplicates.md).
 */
async function sourcesDueForRetry(
  raw: ObjectStore,
  processed: ObjectStore,
  quarantine: ObjectStore,
  nowMs: number,
): Promise<string[]> {
  const sources = (await raw.list(LAKE.rawPrefix)).map((o) => o.key).filter(isRawSourceKey);
  // The table the ETL function would convert with now (the raw bucket's reference/fx_rates.csv).
  const fx = await loadFxTable(raw);
  const due: string[] = [];
  for (const o of await quarantine.list(LAKE.quarantinePrefix)) {
    const owners = sources.filter((k) => quarantineKey(sourceStem(k)) === o.key);
    if (owners.length === 1 && (await hasRecordDue(quarantine, o.key, nowMs, fx)))
      due.push(owners[0] as string);
  }
  for (const o of await processed.list(LAKE.sourceLedgerPrefix)) {
    const key = ledgerRawKey(o.key);
    if (!sources.includes(key) || due.includes(key)) continue;
    const entry = await readLedger(processed, key);
    if (entry?.event === 'put' && entry.holdersChanged?.length) due.push(key);
  }
  return due;
}

/** Synchronous invocations in flight: the dev stage reserves 2 concurrent executions for the ETL. */
const INVOKE_CONCURRENCY = 2;

export interface AwsEtlOptions {
  config: AwsConfig;
  clients: AwsClients;
  /** Raw keys or file names; default every raw source in the raw bucket (a backfill). */
  files?: string[];
  /** Run the Lambda's handler in this process against S3 instead of invoking the function. */
  localCompute: boolean;
  /**
   * Run only the sources whose quarantine holds future-dated orders now in range or orders whose
   * USD rate the FX reference now has, and those their ledger still flags (with `files`: those
   * too); none due means nothing runs. The refresh run calls it so such orders load.
   */
  retryQuarantine?: boolean;
  /** Processing time in ms for local compute (the "not in the future" rule); for tests. */
  now?: () => number;
  /** A source starts (`index` of `total`), and, with local compute, bytes of it read so far. */
  onProgress?: (p: {
    key: string;
    index: number;
    total: number;
    bytesRead?: number;
    sourceBytes?: number;
  }) => void;
}

/** One source's outcome: the ETL's own result, or why it failed. */
export type AwsEtlFileResult =
  | { key: string; ok: true; result: EtlResult }
  | { key: string; ok: false; error: string };

export interface AwsEtlSummary {
  /** `lambda <function>` or `local compute`. */
  ranOn: string;
  /** Refused sources (colliding names) first, then one result per source run. */
  results: AwsEtlFileResult[];
  /** Raw sources gone from the raw bucket whose outputs this run deleted (`<stem>.*` when unknown). */
  retired: string[];
  /** With `retryQuarantine`: the raw sources re-run because quarantined orders of theirs can load now. */
  retried: string[];
  durationMs: number;
}

const quietLog = (): Logger => {
  const log = jsonLogger('store-sales-etl', (line) => process.stderr.write(line));
  return { info: () => undefined, error: log.error };
};

/** The one result for `key` in a handler summary, or an error saying what came back instead. */
function resultFor(key: string, summary: Partial<S3EventSummary> | undefined): AwsEtlFileResult {
  const result = summary?.results?.find((r) => r.sourceKey === key);
  return result
    ? { key, ok: true, result }
    : {
        key,
        ok: false,
        error: `the handler returned no result for it: ${JSON.stringify(summary).slice(0, 200)}`,
      };
}

/**
 * `ops etl --target aws`: the ETL on raw objects already in S3, one synthesized S3 `ObjectCreated`
 * event per source, exactly what the bucket notification sends. Either the deployed function is
 * invoked synchronously (its summary is the response), or, with `localCompute`, the same handler
 * code runs here reading and writing the buckets (backfills without Lambda's limits). A failed
 * source is reported and the others still run. First the shared source policy applies: raw objects
 * sharing a base name are refused (nothing of them is published) and the outputs of raw objects
 * that are gone are deleted, so both modes need the processed and quarantine buckets.
 */
export async function runAwsEtl(options: AwsEtlOptions): Promise<AwsEtlSummary> {
  const started = performance.now();
  const { config, clients } = options;
  const rawBucket = config.require('rawBucket');
  const region = config.require('region');
  // Stores hold nothing but the shared client and a bucket name: cheap to make per use.
  const storeFor = (bucket: string) => new S3ObjectStore(clients.s3, bucket);
  const processed = storeFor(config.require('processedBucket'));
  const quarantine = storeFor(config.require('quarantineBucket'));
  const retried = options.retryQuarantine
    ? await sourcesDueForRetry(storeFor(rawBucket), processed, quarantine, (options.now ?? Date.now)())
    : [];
  if (options.retryQuarantine && !retried.length && !options.files?.length) {
    return {
      ranOn: 'nothing due',
      results: [],
      retired: [],
      retried,
      durationMs: performance.now() - started,
    };
  }
  const files = options.retryQuarantine ? [...(options.files ?? []), ...retried] : options.files;
  const { plan, sizes } = await planAwsRun(storeFor(rawBucket), processed, quarantine, files);
  for (const { outputs } of plan.retired) {
    for (const key of outputs)
      await (key.startsWith(LAKE.quarantinePrefix) ? quarantine : processed).delete(key);
  }
  const refused = plan.refused.map((r): AwsEtlFileResult => ({ key: r.key, ok: false, error: r.error }));
  const retired = plan.retired.map((r) => r.key);
  const sources = plan.candidates.map((key) => ({ key, size: sizes.get(key) ?? 0 }));
  const event = (s: { key: string; size: number }) => s3PutEvent(rawBucket, s.key, s.size, region);
  const progress = (key: string, i: number) =>
    options.onProgress?.({ key, index: i + 1, total: sources.length });
  const done = (ranOn: string, results: AwsEtlFileResult[]): AwsEtlSummary => ({
    ranOn,
    results: [...refused, ...results],
    retired,
    retried,
    durationMs: performance.now() - started,
  });

  if (!options.localCompute) {
    const functionName = config.require('etlFunction');
    const invoke = async (s: { key: string; size: number }, i: number): Promise<AwsEtlFileResult> => {
      progress(s.key, i);
      const res = await clients.lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify(event(s))),
        }),
      );
      const text = res.Payload ? Buffer.from(res.Payload).toString('utf8') : '';
      let body: Record<string, unknown> | undefined;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        // Lambda always answers JSON; an emulator that cannot run the code (moto without Docker)
        // answers text: a failed file, not a crash of the whole run
        return {
          key: s.key,
          ok: false,
          error: `${functionName} answered no JSON${res.FunctionError ? ` (${res.FunctionError})` : ''}: ${oneLine(text).slice(0, 200)}`,
        };
      }
      if (res.FunctionError)
        return { key: s.key, ok: false, error: String(body?.errorMessage ?? res.FunctionError) };
      return resultFor(s.key, body as Partial<S3EventSummary>);
    };
    const results = await mapConcurrent(sources, INVOKE_CONCURRENCY, invoke);
    // Concurrent invocations may both load a shared order (docs/duplicates.md): re-run, one by
    // one, each source that shared a partition with an earlier one, so it defers to the holder.
    const loaded = results.flatMap((r) =>
      r.ok
        ? [{ sourceKey: r.key, partitions: Array.isArray(r.result.partitions) ? r.result.partitions : [] }]
        : [],
    );
    for (const key of contestedSources(loaded)) {
      const at = results.findIndex((r) => r.key === key);
      results[at] = await invoke({ key, size: sizes.get(key) ?? 0 }, at);
    }
    return done(`lambda ${functionName}`, results);
  }

  const results: AwsEtlFileResult[] = [];
  for (const [i, s] of sources.entries()) {
    progress(s.key, i);
    const handler = createS3EventHandler({
      storeFor,
      processed,
      quarantine,
      log: quietLog(),
      options: {
        ...(options.now ? { now: options.now } : {}),
        onProgress: (bytesRead, sourceBytes) =>
          options.onProgress?.({ key: s.key, index: i + 1, total: sources.length, bytesRead, sourceBytes }),
      },
    });
    try {
      results.push(resultFor(s.key, await handler(event(s))));
    } catch (err) {
      results.push({ key: s.key, ok: false, error: (err as Error).message });
    }
  }
  return done('local compute', results);
}
