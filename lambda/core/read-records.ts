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
 * Whether the first line from `start` (in `chunk`), which does not open like JSON, is followed by
 * a whole line holding one JSON object: a JSON Lines file whose first line is damaged (cut at the
 * front, a stray byte). It is read as JSON Lines, and that line quarantined as `invalid_json`,
 * instead of refusing the file. A first line of text and a parsed object are the test, not a `{`
 * alone: a binary file whose first line break happens to precede a `{` stays `not_json` and keeps
 * its month's facts.
 */
function jsonObjectLineFollows(chunk: Buffer, start: number): boolean {
  const firstEnd = chunk.indexOf(0x0a, start);
  if (firstEnd < 0) return false;
  // text, as a damaged JSON line is: no control bytes but tab and CR (binary formats have them)
  for (let j = start; j < firstEnd; j++) {
    const b = chunk[j] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  const secondEnd = chunk.indexOf(0x0a, firstEnd + 1);
  if (secondEnd < 0) return false;
  const line = chunk.toString('utf8', firstEnd + 1, secondEnd).trim();
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
 * record in memory. A UTF-8 byte-order mark is ignored.
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
  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const from = bytes === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
    bytes += chunk.length;
    if (splitter) splitter.push(chunk, 0);
    else {
      let i = from;
      while (i < chunk.length && isJsonSpace(chunk[i] as number)) i++;
      if (i === chunk.length) {
        // Only whitespace so far: remember the line breaks so line numbers stay true.
        for (let j = from; j < chunk.length; j++) if (chunk[j] === 0x0a) leadingLines++;
        continue;
      }
      // `{` or `[` then a NUL byte, which JSON never holds raw: UTF-16 text without a byte-order
      // mark (with one, the first byte is already not JSON). Refused as a whole, like UTF-16 with one.
      const utf16 = chunk[i + 1] === 0x00;
      if ((chunk[i] === 0x7b && !utf16) || jsonObjectLineFollows(chunk, i)) {
        format = 'jsonl';
        splitter = new LineSplitter(sink, options.maxRecordBytes, leadingLines);
        splitter.push(chunk, from);
      } else if (chunk[i] === 0x5b && !utf16) {
        format = 'json_array';
        const start = { offset: bytes - chunk.length, lines: leadingLines };
        splitter = new JsonArraySplitter(sink, options.maxRecordBytes, start);
        splitter.push(chunk, i + 1);
      } else {
        // Leaving the loop closes the stream: nothing more of a non-JSON file is read.
        return { format: 'not_json', bytes, head: Buffer.from(headOf(chunk, from, chunk.length)) };
      }
    }
    // Leaving the loop closes the stream: nothing more of a broken array is read.
    if (splitter instanceof JsonArraySplitter && splitter.problem) break;
    await options.afterChunk?.(bytes);
  }
  splitter?.end();
  const malformed = splitter instanceof JsonArraySplitter ? splitter.problem : undefined;
  return { format, bytes, ...(malformed ? { malformed } : {}) };
}
