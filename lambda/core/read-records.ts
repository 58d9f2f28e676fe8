import { JsonArraySplitter } from './json-array-splitter.js';
import { headOf, isJsonSpace, LineSplitter, type RecordSink } from './record-splitters.js';

/**
 * What the source turned out to be, from its first significant byte: `{` JSON Lines, `[` one
 * JSON array, anything else not JSON at all (a CSV, a gzip, a Parquet file uploaded by mistake).
 */
export type SourceFormat = 'jsonl' | 'json_array' | 'not_json' | 'empty';

export interface ReadOptions {
  /** Records longer than this many bytes are quarantined as oversized instead of parsed. */
  maxRecordBytes: number;
  /** Called after each chunk with the bytes read so far; awaited, so the sink can flush. */
  afterChunk?: (bytesRead: number) => Promise<void> | void;
}

export interface ReadSummary {
  format: SourceFormat;
  /** Bytes read (for `not_json`, only up to the sniff; for a malformed array, up to its problem). */
  bytes: number;
  /** For `not_json`: the first bytes of the file, for the quarantine record. */
  head?: Buffer;
  /**
   * For `json_array`: why the array's own structure is broken (an element never closed, no
   * closing `]`, a missing comma, an empty element), so its elements cannot be trusted. Reading
   * stops at the first such problem; the source then fails as a whole (json-array-splitter.ts).
   */
  malformed?: string;
}

/**
 * Whether a file whose first significant byte (at `start`) opens no JSON is JSON Lines whose first
 * line is damaged (cut at the front, a stray byte): true when that line is text and the next line
 * holds one whole JSON object. The file is then read as JSON Lines and its first line quarantined
 * as `invalid_json`, instead of refusing the file. Text and a parsed object are the test, not a
 * `{` alone: a binary file whose first line break happens to precede a `{` stays `not_json` and
 * keeps its month's facts. `undefined`: the second line is not whole in `bytes` yet (`atEnd`: the
 * file ends there, which ends the line).
 */
function damagedFirstLine(bytes: Buffer, start: number, atEnd: boolean): boolean | undefined {
  const firstEnd = bytes.indexOf(0x0a, start);
  // text, as a damaged JSON line is: no control bytes but tab and CR (binary formats have them)
  for (let j = start, end = firstEnd < 0 ? bytes.length : firstEnd; j < end; j++) {
    const b = bytes[j] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  if (firstEnd < 0) return atEnd ? false : undefined;
  let secondEnd = bytes.indexOf(0x0a, firstEnd + 1);
  if (secondEnd < 0) {
    if (!atEnd) return undefined;
    secondEnd = bytes.length;
  }
  const line = bytes.toString('utf8', firstEnd + 1, secondEnd).trim();
  if (!line.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Streams a source into records for `sink`, in file order, holding at most one chunk plus one
 * record in memory (a file that opens like no JSON: its first two lines, up to twice the record
 * limit, until `damagedFirstLine` can tell). A UTF-8 byte-order mark is ignored. `chunks` may
 * read each chunk into the buffer of the one before (`LocalObjectStore.chunks`): nothing here or in
 * the splitters keeps a view of a chunk once the next is asked for, and `sink` must copy what it
 * keeps of a record before it returns.
 */
export async function readRecords(
  chunks: AsyncIterable<Uint8Array>,
  sink: RecordSink,
  options: ReadOptions,
): Promise<ReadSummary> {
  let splitter: LineSplitter | JsonArraySplitter | undefined;
  let format: SourceFormat = 'empty';
  let bytes = 0;
  let leadingLines = 0;
  /** The start of a file that opens like no JSON, held until its second line is whole. */
  let held: { buf: Buffer; from: number; at: number } | undefined;
  const notJson = (buf: Buffer, from: number): ReadSummary => ({
    format: 'not_json',
    bytes,
    head: Buffer.from(headOf(buf, from, buf.length)),
  });
  const startLines = (buf: Buffer, from: number) => {
    format = 'jsonl';
    splitter = new LineSplitter(sink, options.maxRecordBytes, leadingLines);
    splitter.push(buf, from);
  };
  for await (const raw of chunks) {
    const got = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const bom = bytes === 0 && got[0] === 0xef && got[1] === 0xbb && got[2] === 0xbf;
    bytes += got.length;
    if (splitter) splitter.push(got, 0);
    else {
      const chunk = held ? Buffer.concat([held.buf, got]) : got;
      const from = held ? held.from : bom ? 3 : 0;
      let i = held ? held.at : from;
      held = undefined;
      while (i < chunk.length && isJsonSpace(chunk[i] as number)) i++;
      if (i === chunk.length) {
        // Only whitespace so far: remember the line breaks so line numbers stay true.
        for (let j = from; j < chunk.length; j++) if (chunk[j] === 0x0a) leadingLines++;
        continue;
      }
      // `{` or `[` then a NUL byte, which JSON never holds raw: UTF-16 text without a byte-order
      // mark (with one, the first byte is already not JSON). Refused as a whole, like UTF-16 with one.
      const utf16 = chunk[i + 1] === 0x00;
      if (chunk[i] === 0x7b && !utf16) startLines(chunk, from);
      else if (chunk[i] === 0x5b && !utf16) {
        format = 'json_array';
        const start = { offset: bytes - chunk.length, lines: leadingLines };
        splitter = new JsonArraySplitter(sink, options.maxRecordBytes, start);
        splitter.push(chunk, i + 1);
      } else {
        const damaged = damagedFirstLine(chunk, i, false);
        if (damaged === undefined && chunk.length - i <= 2 * options.maxRecordBytes + 2) {
          // a copy of a chunk read into a reused buffer (`chunks` below)
          held = { buf: chunk === got ? Buffer.from(got) : chunk, from, at: i };
          continue;
        }
        // Leaving the loop closes the stream: nothing more of a non-JSON file is read.
        if (!damaged) return notJson(chunk, from);
        startLines(chunk, from);
      }
    }
    // Leaving the loop closes the stream: nothing more of a broken array is read.
    if (splitter instanceof JsonArraySplitter && splitter.problem) break;
    await options.afterChunk?.(bytes);
  }
  if (held) {
    if (!damagedFirstLine(held.buf, held.at, true)) return notJson(held.buf, held.from);
    startLines(held.buf, held.from);
  }
  // also assigned in startLines, which TypeScript's narrowing does not follow
  const done = splitter as LineSplitter | JsonArraySplitter | undefined;
  done?.end();
  const malformed = done instanceof JsonArraySplitter ? done.problem : undefined;
  return { format, bytes, ...(malformed ? { malformed } : {}) };
}
