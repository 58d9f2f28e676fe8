import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../../../lambda/core/json-array-splitter.js';
import { HEAD_BYTES, LineSplitter, type RecordSink } from '../../../lambda/core/record-splitters.js';

// The record splitters: what they hand the sink, in one chunk, and the same however the bytes
// are cut into chunks. The one-array format's splitter reads the text after the opening `[`.
type Splitter = { push(chunk: Buffer, from: number): void; end(): void };
const arraySplitter = (sink: RecordSink, max: number): Splitter => new JsonArraySplitter(sink, max);
const lineSplitter = (sink: RecordSink, max: number): Splitter => new LineSplitter(sink, max);

function split(after: string, max: number, cuts: number[] = [], make = arraySplitter): string[] {
  const events: string[] = [];
  const splitter = make(
    {
      record: (buf, start, end, ordinal) => events.push(`${ordinal} ${buf.toString('utf8', start, end)}`),
      oversized: (ordinal, head, bytes) =>
        events.push(
          `${ordinal} oversized ${bytes} bytes, head ${head.toString('utf8').slice(0, 30)} (${head.length})`,
        ),
    },
    max,
  );
  const bytes = Buffer.from(after);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    // each chunk is a buffer of its own, read from a non-zero offset as the reader does
    splitter.push(Buffer.concat([Buffer.from('#'), bytes.subarray(from, cut)]), 1);
    from = cut;
  }
  splitter.end();
  return events;
}

/** The same events for every way of cutting `after` in two, and in single bytes. */
function expectAnyChunking(after: string, max: number, events: string[], make = arraySplitter): void {
  expect(split(after, max, [], make)).toEqual(events);
  const n = Buffer.byteLength(after);
  for (let cut = 0; cut <= n; cut++) expect(split(after, max, [cut], make), `cut at ${cut}`).toEqual(events);
  const bytewise = Array.from({ length: n }, (_, i) => i);
  expect(split(after, max, bytewise, make)).toEqual(events);
}

describe('JsonArraySplitter', () => {
  it('splits objects, nested arrays, strings with quotes and brackets, and scalars', () => {
    expectAnyChunking(' {"a":1}, {"b":[1,{"c":"]}"}]},"s\\"]",42 ,true,\n[2]]', 100, [
      '1 {"a":1}',
      '2 {"b":[1,{"c":"]}"}]}',
      '3 "s\\"]"',
      '4 42',
      '5 true',
      '6 [2]',
    ]);
  });

  it('ends a scalar at a comma, a space or the closing bracket', () => {
    expectAnyChunking('1,2 , 3]', 100, ['1 1', '2 2', '3 3']);
    expectAnyChunking('x]', 100, ['1 x']);
  });

  it('hands nothing for an empty array', () => {
    expectAnyChunking(']', 100, []);
    expectAnyChunking(' \n ]', 100, []);
  });

  it('reports content after the closing bracket as further records, numbered on', () => {
    expectAnyChunking('{"a":1}] {"x":2}\n{"y":3}\n', 100, ['1 {"a":1}', '2  {"x":2}', '3 {"y":3}']);
    // after a scalar's bracket too, and a last line without its line feed
    expectAnyChunking('1] {"x":2}\n{"y":3}', 100, ['1 1', '2  {"x":2}', '3 {"y":3}']);
  });

  it('reports an unterminated last element, which then fails as JSON', () => {
    expectAnyChunking('{"a":1},{"b":[1,', 100, ['1 {"a":1}', '2 {"b":[1,']);
    expectAnyChunking('{"a":1},12', 100, ['1 {"a":1}', '2 12']);
  });

  it('reports an element over the limit as oversized with its length and head, one at the limit as a record', () => {
    const at = `{"a":"${'x'.repeat(10)}"}`; // 18 bytes
    const over = `{"a":"${'x'.repeat(11)}"}`;
    expectAnyChunking(`${at},${over},7]`, 18, [`1 ${at}`, `2 oversized 19 bytes, head ${over} (19)`, '3 7']);
    const text = `"${'y'.repeat(20)}"`;
    expectAnyChunking(`${text},7]`, 18, [`1 oversized 22 bytes, head ${text.slice(0, 30)} (22)`, '2 7']);
    const huge = `{"a":"${'z'.repeat(HEAD_BYTES * 2)}"}`;
    const head = `1 oversized ${huge.length} bytes, head ${huge.slice(0, 30)} (${HEAD_BYTES})`;
    expect(split(`${huge}]`, 100)).toEqual([head]);
    expect(split(`${huge}]`, 100, [5, 1500])).toEqual([head]);
  });
});

describe('LineSplitter', () => {
  it('hands one record per line, skipping blank lines but counting them, CR LF or LF', () => {
    expectAnyChunking(
      '{"a":1}\r\n\n  \n{"b":2}\n{"c":3}',
      100,
      ['1 {"a":1}', '4 {"b":2}', '5 {"c":3}'],
      lineSplitter,
    );
  });

  it('reports a line over the limit with its length and its own first bytes only', () => {
    const over = `{"a":"${'x'.repeat(11)}"}`; // 19 bytes
    expectAnyChunking(
      `${over}\n{"b":2}\n`,
      18,
      [`1 oversized 19 bytes, head ${over} (19)`, '2 {"b":2}'],
      lineSplitter,
    );
    const huge = `{"a":"${'z'.repeat(HEAD_BYTES * 2)}"}`;
    const head = `1 oversized ${huge.length} bytes, head ${huge.slice(0, 30)} (${HEAD_BYTES})`;
    expect(split(`${huge}\n`, 100, [], lineSplitter)).toEqual([head]);
    expect(split(`${huge}\n`, 100, [5, 1500], lineSplitter)).toEqual([head]);
  });

  it('reports a line at the limit as a record, and skips lines of tabs, CRs and spaces only', () => {
    const at = `{"a":"${'x'.repeat(10)}"}`; // 18 bytes
    expectAnyChunking(`${at}\r\n\t\r\n \t \n${at}`, 18, [`1 ${at}`, `4 ${at}`], lineSplitter);
  });

  it('keeps only the head of a line that passes the limit after its first chunks', () => {
    // the limit is above the head's size: the line is held whole until it passes it
    const long = `{"a":"${'q'.repeat(3000)}"}`;
    const head = `1 oversized ${long.length} bytes, head ${long.slice(0, 30)} (${HEAD_BYTES})`;
    for (const cuts of [[1000, 2000], [1500], [10, 1030, 2050]])
      expect(split(`${long}\n{"b":2}\n`, 2000, cuts, lineSplitter), JSON.stringify(cuts)).toEqual([
        head,
        '2 {"b":2}',
      ]);
    expect(split(`${long},7]`, 2000, [1000, 2000])).toEqual([head, '2 7']);
  });
});
