/**
 * Entry point of an `ops etl` worker process (see `run-local-etl.ts`): stages one raw source of
 * the local lake — ETL into a local folder, its fingerprint, the hashes of the order_ids it loaded —
 * and hands it back unpublished; the parent publishes the sources of a run in order.
 */
import { serveTasks } from '../lib/process-pool.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { nativeEncoderUsage } from './native-parquet-writer.js';
import {
  type EtlTask,
  type EtlTaskProgress,
  type StagedEtlSource,
  stageLocalSource,
} from './stage-local-source.js';

serveTasks<EtlTask, StagedEtlSource, EtlTaskProgress>(
  (task, progress) =>
    stageLocalSource(new LocalObjectStore(task.lake), task.key, {
      // A worker gets one core: an encoder thread would only compete with the other workers.
      encoderThread: false,
      nativeEncoder: task.nativeEncoder,
      withHashes: true,
      unheldSources: task.unheldSources,
      stagingOwner: task.stagingOwner,
      onProgress: (bytesRead, sourceBytes) => progress({ bytesRead, sourceBytes }),
    }),
  // the native encoder's processes work for the task: their CPU and memory are the worker's
  () => nativeEncoderUsage,
);
