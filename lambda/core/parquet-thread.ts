import { Worker } from 'node:worker_threads';
import type * as arrow from 'apache-arrow';
import type { FactTable } from '../../contracts/fact-tables.js';
import { IpcFrames } from './ipc-frames.js';
import { type ParquetSink, ParquetWriteError } from './parquet-file-writer.js';
import { workerScript } from './worker-script.js';

/** Requests to the encoder thread; each names the sink (file) it is for and gets one reply. */
export type EncoderRequest =
  | { type: 'open'; seq: number; sink: number; table: FactTable; file: string; rowGroupRows: number }
  | { type: 'batch'; seq: number; sink: number; ipc: Uint8Array; rows: number }
  | { type: 'close' | 'abort'; seq: number; sink: number };

/** A batch's `done` hands its IPC buffer back (transferred), for the next batch. */
export type EncoderReply =
  | { type: 'done'; seq: number; rows?: number; buffer?: ArrayBuffer }
  | { type: 'failed'; seq: number; message: string };

/**
 * The worker script. Bundled (Lambda): `parquet-worker.mjs` beside the bundle. From TypeScript
 * sources (tests, `tsx` runs) it is bundled on the fly (see `workerScript`).
 */
const parquetWorkerScript = (): URL =>
  import.meta.url.endsWith('.ts')
    ? workerScript(new URL('./parquet-worker.ts', import.meta.url))
    : new URL('./parquet-worker.mjs', import.meta.url);

/** Batches per file that may wait in the encoder's queue before `write` waits for one to finish. */
const IN_FLIGHT = 2;

/**
 * A worker thread that encodes Parquet while the main thread parses and flattens: the two
 * halves of the ETL run on two cores. The main thread sends each batch as Arrow IPC bytes
 * (transferred, not copied, and handed back for the next batch) and the worker runs
 * parquet-wasm. One thread serves every file of a run. On a single core (or a small Lambda) it
 * only adds overhead: see `processSource`'s `encoderThread` option.
 */
export class ParquetThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (r: EncoderReply) => void; reject: (e: Error) => void }
  >();
  private seq = 0;
  private sinks = 0;
  private readonly frames = new IpcFrames();
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(parquetWorkerScript());
    this.worker.on('message', (reply: EncoderReply) => {
      if (reply.type === 'done' && reply.buffer) this.frames.reuse(reply.buffer);
      const waiter = this.pending.get(reply.seq);
      this.pending.delete(reply.seq);
      if (reply.type === 'done') waiter?.resolve(reply);
      else waiter?.reject(new ParquetWriteError(reply.message));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) =>
      this.fail(new ParquetWriteError(`Parquet encoder thread exited (code ${code})`)),
    );
  }

  /** A sink whose batches are encoded by this thread's worker into `file`, a file of `table`. */
  open(table: FactTable, file: string, rowGroupRows: number): ParquetSink {
    const sink = ++this.sinks;
    const inFlight: Promise<unknown>[] = [];
    // Failures surface when the promise is awaited (in write/close); until then they are parked.
    const track = (p: Promise<EncoderReply>): void => {
      p.catch(() => undefined);
      inFlight.push(p);
    };
    track(this.request({ type: 'open', seq: 0, sink, table, file, rowGroupRows }));
    return {
      file,
      write: async (batch: arrow.RecordBatch) => {
        // a pooled buffer, transferred (not copied) there and back (`reuse` above)
        const { bytes: ipc } = this.frames.frame(batch);
        track(
          this.request({ type: 'batch', seq: 0, sink, ipc, rows: batch.numRows }, [
            ipc.buffer as ArrayBuffer,
          ]),
        );
        while (inFlight.length > IN_FLIGHT) await inFlight.shift();
      },
      close: async () => {
        await Promise.all(inFlight.splice(0));
        const reply = await this.request({ type: 'close', seq: 0, sink });
        return reply.type === 'done' ? (reply.rows ?? 0) : 0;
      },
      abort: async () => {
        await Promise.allSettled(inFlight.splice(0));
        await this.request({ type: 'abort', seq: 0, sink }).catch(() => undefined);
      },
    };
  }

  /** Stops the worker (after the run, successful or not). */
  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private request(message: EncoderRequest, transfer: ArrayBuffer[] = []): Promise<EncoderReply> {
    if (this.failure) return Promise.reject(this.failure);
    message.seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(message.seq, { resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
