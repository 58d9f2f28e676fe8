import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Size and modification time: the cheap test of whether a raw file may have changed. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export async function fileStamp(file: string): Promise<FileStamp> {
  const s = await stat(file);
  return { size: s.size, mtimeMs: s.mtimeMs };
}

/** SHA-256 of a file's content, streamed (the exact test, when the stamp changed). */
export async function sha256File(file: string): Promise<string> {
  return (await hashFrom(createHash('sha256'), file, 0)).digest('hex');
}

/** `hash` fed the file's bytes from `start` to its end, streamed. */
async function hashFrom(hash: Hash, file: string, start: number): Promise<Hash> {
  for await (const chunk of createReadStream(file, { start, highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash;
}

/**
 * SHA-256 of a file's content from the bytes the ETL reads as it parses them (`readSource` of
 * `stageSource`), so a file is read once, not twice: a month of 1M orders spent ~1 CPU-second
 * more on a separate hashing pass (docs/scale.md). Each read starts the hash anew (a pass the
 * ETL discards is read again). A read that stopped early (a file refused at its first bytes)
 * has the rest of the file hashed by `digest`; a read to the end is the hash: that of the bytes
 * the ETL processed, even if the file changed after (the next run then sees a new stamp and
 * content, and runs again).
 */
export class ContentHash {
  private hash: Hash | undefined;
  private hashed = 0;
  /** The last read went to the end of the file. */
  private whole = false;

  constructor(private readonly file: string) {}

  /** `chunks`, hashed as they are passed on (each before the next is asked for). */
  async *read(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    const hash = createHash('sha256');
    this.hash = hash;
    this.hashed = 0;
    this.whole = false;
    for await (const chunk of chunks) {
      hash.update(chunk);
      this.hashed += chunk.length;
      yield chunk;
    }
    // not reached when the reader stops early: leaving its loop ends this generator at `yield`
    this.whole = true;
  }

  async digest(): Promise<string> {
    const hash = this.hash;
    if (!hash) return sha256File(this.file);
    this.hash = undefined;
    if (!this.whole) await hashFrom(hash, this.file, this.hashed);
    return hash.digest('hex');
  }
}
