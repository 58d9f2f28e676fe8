import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../../lambda/core/read-records.js';
import type { RecordSink } from '../../../lambda/core/record-splitters.js';

/** Splits `text` into chunks at the given cut points and collects what the reader reports. */
async function read(text: string | Buffer, cuts: number[] = [], maxRecordBytes = 1 << 20) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    if (p > last) chunks.push(bytes.subarray(last, p));
    last = p;
  }
  const records: [number, string][] = [];
  const oversized: [number, number, number][] = [];
  const heads: string[] = [];
  /** Per record: whether it is UTF-8, as the ETL's sink decides it (the splitter's word, else a check). */
  const utf8: boolean[] = [];
  const sink: RecordSink = {
    record: (buf, start, end, ordinal, checked) => {
      records.push([ordinal, buf.toString('utf8', start, end)]);
      utf8.push(checked === true || isUtf8(buf.subarray(start, end)));
    },
    oversized: (ordinal, head, size) => {
      oversized.push([ordinal, head.length, size]);
      heads.push(head.toString('latin1'));
    },
  };
  // Every chunk in one buffer, as the local store reads a file (`LocalObjectStore.chunks`): a chunk
  // is valid only until the next is asked for, and anything kept as a view of one (a record
  // split over chunks, the head of an oversized one) would come out garbled.
  const shared = Buffer.alloc(Math.max(1, ...chunks.map((c) => c.length)));
  const summary = await readRecords(
    (async function* () {
      for (const chunk of chunks) {
        chunk.copy(shared);
        yield shared.subarray(0, chunk.length);
        shared.fill(0x23);
      }
    })(),
    sink,
    { maxRecordBytes },
  );
  return { summary, records, oversized, heads, utf8 };
}

const line = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `{${s.replace(/[\r\n]/g, '')}}`);

describe('readRecords', () => {
  it('finds every JSON line with its line number, wherever the chunks are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(line, fc.constant(''), fc.constant('  ')), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (lines, cuts) => {
          const { records } = await read(`{}\n${lines.join('\n')}`, cuts);
          const expected: [number, string][] = [[1, '{}']];
          lines.forEach((l, i) => {
            if (l.trim()) expected.push([i + 2, l]);
          });
          expect(records).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits the elements of one JSON array, wherever the chunks are cut', async () => {
    const element = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant('a "quoted" ] , } string'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(element, { maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (values, pretty, cuts) => {
          const { summary, records } = await read(JSON.stringify(values, null, pretty ? 2 : undefined), cuts);
          expect(summary.format).toBe('json_array');
          expect(summary.malformed).toBeUndefined();
          expect(records.map(([, r]) => JSON.parse(r))).toEqual(JSON.parse(JSON.stringify(values)));
          expect(records.map(([n]) => n)).toEqual(values.map((_, i) => i + 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports a record over the limit as oversized with its first 1024 bytes, then carries on', async () => {
    const long = `{"a":"${'x'.repeat(5000)}"}`;
    const { records, oversized, heads } = await read(`{"n":1}\n${long}\n{"n":3}\n`, [3000, 4100], 2048);
    expect(records).toEqual([
      [1, '{"n":1}'],
      [3, '{"n":3}'],
    ]);
    expect(oversized).toEqual([[2, 1024, long.length]]);
    expect(heads).toEqual([long.slice(0, 1024)]);
  });

  it('says a JSON line is UTF-8 only when it is, wherever the chunks are cut', async () => {
    // lines of arbitrary bytes, many of them not UTF-8 (a lone continuation byte, a cut sequence);
    // no NUL, which right after the first `{` reads as UTF-16 (the file is refused)
    const bytesLine = fc
      .uint8Array({ maxLength: 12 })
      .map((b) =>
        Buffer.concat([Buffer.from('{'), Buffer.from(b.filter((x) => x !== 0x0a && x !== 0x0d && x !== 0))]),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.array(bytesLine, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, cuts) => {
          const { utf8 } = await read(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])), cuts);
          expect(utf8).toEqual(lines.map((l) => isUtf8(l)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('ignores a byte-order mark and CRLF line ends', async () => {
    const { records } = await read(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"n":1}\r\n{"n":2}\r\n')]),
    );
    expect(records).toEqual([
      [1, '{"n":1}'],
      [2, '{"n":2}'],
    ]);
  });

  it('stops at the first byte of a file that is neither JSON Lines nor an array', async () => {
    const { summary, records } = await read('\n  id,total\n1,2\n');
    expect(summary).toMatchObject({ format: 'not_json' });
    expect(summary.head?.toString()).toBe('\n  id,total\n1,2\n');
    expect(records).toEqual([]);
  });

  it('reads JSON Lines whose first line is damaged when a whole JSON object line follows it, wherever the chunks are cut', async () => {
    const cut = 'er_timestamp":"2025-01-01T00:15:47Z","status":"completed"}\n{"n":2}\n{"n":3}\n';
    for (const cuts of [[], [5], [60], [61, 66], [1, 2, 3, 70]]) {
      const damaged = await read(cut, cuts);
      expect(damaged.summary.format, JSON.stringify(cuts)).toBe('jsonl');
      expect(damaged.records.map(([n]) => n)).toEqual([1, 2, 3]);
      expect(damaged.records[0]?.[1]).toMatch(/^er_timestamp/);
    }
    // the file's end ends the second line
    expect((await read('x\n{"n":2}', [3])).records).toEqual([
      [1, 'x'],
      [2, '{"n":2}'],
    ]);

    // a `{` after the first line break is not enough: binary bytes, or a line that is no object
    for (const text of ['PAR1\u0000\n{"n":2}\n', 'PAR1 x\n{not json\n', 'id,total\n[1,2]\n', 'id,total\n']) {
      const { summary, records } = await read(text, [4]);
      expect(summary.format, JSON.stringify(text)).toBe('not_json');
      expect(summary.head?.toString()).toBe(text);
      expect(records).toEqual([]);
    }
  });

  it('reads a JSON array laid out one element a line as an array, not as damaged JSON Lines', async () => {
    for (const text of ['[\n{"n":1}\n]\n', '[\n{"n":1}\n,{"n":2}\n]', '[{"n":1},\n{"n":2}]\n']) {
      const { summary, records } = await read(text);
      expect(summary.format, JSON.stringify(text)).toBe('json_array');
      expect(records.map(([, r]) => JSON.parse(r))).toEqual(
        text.includes('"n":2') ? [{ n: 1 }, { n: 2 }] : [{ n: 1 }],
      );
    }
  });

  it('says where a JSON array is malformed, in bytes and lines of the file, wherever the chunks are cut', async () => {
    const good = '{"n":1}';
    // a BOM and a blank line before the `[`, then element 2 with its `}` missing
    const text = Buffer.from(`\ufeff\n[\n  ${good},\n  {"n":2,"c":{"d":3},\n  ${good}\n]\n`);
    const second = text.indexOf('{"n":2');
    const last = text.lastIndexOf(']');
    for (const cuts of [[], [3], [4, 12], [second, second + 1], [last], [5, 10, 20, 30, 40]]) {
      const { summary, records } = await read(text, cuts);
      expect(summary.malformed, JSON.stringify(cuts)).toBe(
        `the JSON array is malformed: element 2 (from byte ${second}, line 4) is not closed where it should be: the \`]\` at byte ${last}, line 6 closes a \`{\`, so the elements after it cannot be told apart (a closing brace, bracket or quote missing in it, or one too many)`,
      );
      expect(records).toEqual([[1, good]]);
    }
    const big = Buffer.from(`[${`${good},`.repeat(200)}${good} ${good}]`);
    const at = big.lastIndexOf(good);
    expect((await read(big, [1000])).summary.malformed).toBe(
      `the JSON array is malformed: element 202 (from byte ${at.toLocaleString('en-US')}, line 1) follows element 201 without a comma between them`,
    );
  });

  it('stops reading at a structural problem: nothing after it is handed on or read', async () => {
    let chunksRead = 0;
    const records: number[] = [];
    const summary = await readRecords(
      (async function* () {
        yield Buffer.from('[{"n":1},,{"n":2},');
        for (;;) {
          chunksRead++;
          yield Buffer.from('{"n":3},');
        }
      })(),
      { record: (_b, _s, _e, n) => records.push(n), oversized: () => undefined },
      { maxRecordBytes: 1024 },
    );
    expect(summary.malformed).toMatch(
      /an element is missing at byte 9, line 1, after element 1: two commas in a row/,
    );
    expect(records).toEqual([1]);
    expect(chunksRead).toBe(0);
  });

  it('fails a JSON array cut short, and takes `[]` as an array with no elements', async () => {
    expect((await read('[{"n":1},{"n":2}', [5])).summary).toMatchObject({
      format: 'json_array',
      malformed:
        'the JSON array is malformed: the file ends after element 2 (from byte 9, line 1) without the closing `]`: it looks cut short',
    });
    expect((await read('[{"n":1},{"n":2}]\n')).summary).toEqual({ format: 'json_array', bytes: 18 });
    expect(await read(' [ ]\n')).toMatchObject({
      summary: { format: 'json_array', bytes: 5 },
      records: [],
      oversized: [],
    });
  });

  it('calls an empty or blank file empty', async () => {
    expect((await read('')).summary.format).toBe('empty');
    expect((await read(' \n\n')).summary.format).toBe('empty');
  });

  it('counts the blank lines of leading chunks that hold nothing else', async () => {
    const text = '\n \t\r\n\n{"n":1}\n{"n":2}\n';
    for (const cuts of [[], [1], [2, 4], [5], [1, 2, 3, 4, 5]]) {
      const { summary, records } = await read(text, cuts);
      expect(records, JSON.stringify(cuts)).toEqual([
        [4, '{"n":1}'],
        [5, '{"n":2}'],
      ]);
      expect(summary).toEqual({ format: 'jsonl', bytes: Buffer.byteLength(text) });
    }
  });

  it('takes a byte-order mark only as the very first bytes of the file', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const body = Buffer.from('{"n":1}\n');
    // after a leading blank line it is content, and the file is not JSON
    const late = await read(Buffer.concat([Buffer.from('\n'), bom, body]), [1]);
    expect(late.summary.format).toBe('not_json');
    expect(late.records).toEqual([]);
    // bytes that only start like one are content too
    for (const start of [
      [0xef, 0xbb, 0x7b],
      [0xef, 0x7b, 0xbf],
      [0x7b, 0xbb, 0xbf],
    ]) {
      const { summary } = await read(Buffer.concat([Buffer.from(start), body]));
      expect(summary.format, JSON.stringify(start)).toBe(start[0] === 0x7b ? 'jsonl' : 'not_json');
    }
    const first = await read(Buffer.concat([bom, Buffer.from('\n'), body]));
    expect(first.records).toEqual([[2, '{"n":1}']]);
  });
});
