import { parentPort } from 'node:worker_threads';
import { ParquetFileWriter } from './parquet-file-writer.js';
import type { EncoderReply, EncoderRequest } from './parquet-thread.js';

/**
 * Entry point of the Parquet encoder thread (see `parquet-thread.ts`): owns the parquet-wasm
 * writers and runs each writer's requests in order, replying to every one.
 */
const port = parentPort;
if (!port) throw new Error('parquet-worker runs as a worker thread (new Worker), not as a script');

const writers = new Map<number, ParquetFileWriter>();
const queues = new Map<number, Promise<void>>();

async function handle(m: EncoderRequest): Promise<EncoderReply> {
  if (m.type === 'open') {
    writers.set(m.sink, new ParquetFileWriter(m.table, m.file, m.rowGroupRows));
    return { type: 'done', seq: m.seq };
  }
  const writer = writers.get(m.sink);
  if (!writer) throw new Error(`no open file for sink ${m.sink}`);
  if (m.type === 'batch') {
    await writer.writeIpc(m.ipc, m.rows);
    // the bytes are in parquet-wasm's memory now: the buffer goes back for another batch
    return { type: 'done', seq: m.seq, buffer: m.ipc.buffer as ArrayBuffer };
  }
  writers.delete(m.sink);
  if (m.type === 'abort') {
    await writer.abort();
    return { type: 'done', seq: m.seq };
  }
  return { type: 'done', seq: m.seq, rows: await writer.close() };
}

port.on('message', (m: EncoderRequest) => {
  const next = (queues.get(m.sink) ?? Promise.resolve())
    .then(() => handle(m))
    .then(
      (reply) => port.postMessage(reply, reply.type === 'done' && reply.buffer ? [reply.buffer] : []),
      (err: unknown) =>
        port.postMessage({ type: 'failed', seq: m.seq, message: (err as Error).message ?? String(err) }),
    )
    .finally(() => {
      if ((m.type === 'close' || m.type === 'abort') && queues.get(m.sink) === next) queues.delete(m.sink);
    });
  queues.set(m.sink, next);
});
