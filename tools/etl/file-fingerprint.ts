import { createHash } from 'node:crypto';
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
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
