import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../../../lambda/core/json-array-splitter.js';
import { HEAD_BYTES, LineSplitter, type RecordSink } from '../../../lambda/core/record-splitters.js';

// The record splitters: what they hand the sink, in one chunk, and the same however the bytes
// are cut into chunks. The one-array format's splitter reads the text after the opening `[`.
type Splitter = { push(chunk: Buffer, from: number): void; end(): void; problem?: string | undefined };
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
  // Byte offsets count the '#' each chunk starts with here: read-records.test.ts checks them.
  if (splitter.problem) events.push(`problem: ${splitter.problem.replace(/byte \d+(?:,\d{3})*/g, 'byte B')}`);
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

  const closes = (n: number, closer: string, opener: string) =>
    `problem: the JSON array is malformed: element ${n} (from byte B, line 1) is not closed where it should be: the \`${closer}\` at byte B, line 1 closes a \`${opener}\`, so the elements after it cannot be told apart (a closing brace, bracket or quote missing in it, or one too many)`;
  const never = (n: number, line = 1) =>
    `problem: the JSON array is malformed: element ${n} (from byte B, line ${line}) is never closed, so the elements after it cannot be told apart (a closing brace, bracket or quote missing in it, or one too many, or a file cut short)`;

  it('fails an element whose brackets do not pair up (a brace missing): nothing from it on is handed on', () => {
    // a `}` missing in element 2: the array's `]` would close it, swallowing the elements after it
    expectAnyChunking('{"a":1},{"b":2,"c":{"d":3},{"e":4},{"f":5}]', 100, ['1 {"a":1}', closes(2, ']', '{')]);
    // inside an element: the `}` of an item whose `]` is missing
    expectAnyChunking('{"a":1},{"items":[{"q":1},{"q":2}},{"b":3}]', 100, ['1 {"a":1}', closes(2, '}', '[')]);
    expectAnyChunking('[1,2},{"b":3}]', 100, [closes(1, '}', '[')]);
  });

  it('fails an element still open at the end (a quote missing, or a cut): nothing from it on is handed on', () => {
    expectAnyChunking('{"a":1},{"b":[1,', 100, ['1 {"a":1}', never(2)]);
    expectAnyChunking('{"a":1},"ab]', 100, ['1 {"a":1}', never(2)]);
    expectAnyChunking('{"a":1},{"b":"x},{"c":"y"}]', 100, ['1 {"a":1}', never(2)]);
    expectAnyChunking('\n  {"a":1},\n  {"b":"x}\n]\n', 100, ['1 {"a":1}', never(2, 3)]);
  });

  it('decides on a broken element past the limit from its head alone, never holding the rest', () => {
    const tail = `{"b":"${'z'.repeat(5000)}"},{"c":1}`; // element 2 lacks its `}`: all of this is inside it
    expect(split(`{"a":1},{"x":1,"y":${tail}]`, 100, [20, 1000, 3000])).toEqual([
      '1 {"a":1}',
      closes(2, ']', '{'),
    ]);
    expect(split(`{"a":1},{"x":1,"y":${tail}`, 100, [20, 1000, 3000])).toEqual(['1 {"a":1}', never(2)]);
    // balanced, it is an oversized record as before
    expect(split(`{"a":1},{"x":1,"y":${tail}},{"d":2}]`, 100, [20, 1000, 3000])).toEqual([
      '1 {"a":1}',
      `2 oversized ${`{"x":1,"y":${tail}}`.length} bytes, head {"x":1,"y":{"b":"zzzzzzzzzzzzz (${HEAD_BYTES})`,
      '3 {"d":2}',
    ]);
  });

  it('fails an array without its closing bracket (a truncated upload)', () => {
    const cut = (after: string) =>
      `problem: the JSON array is malformed: the file ends after ${after} without the closing \`]\`: it looks cut short`;
    expectAnyChunking('{"a":1},{"b":2}', 100, [
      '1 {"a":1}',
      '2 {"b":2}',
      cut('element 2 (from byte B, line 1)'),
    ]);
    expectAnyChunking('{"a":1},{"b":2},\n', 100, [
      '1 {"a":1}',
      '2 {"b":2}',
      cut('element 2 (from byte B, line 1)'),
    ]);
    // a scalar cut short is handed on before the end shows the bracket missing (the run fails anyway)
    expectAnyChunking('{"a":1},12', 100, ['1 {"a":1}', cut('element 2 (from byte B, line 1)')]);
    expectAnyChunking(' \n', 100, [
      'problem: the JSON array is malformed: the file ends without the closing `]`: it looks cut short',
    ]);
  });

  it('fails on a missing comma, a brace too many or an empty element, handing nothing after it', () => {
    const bad = (why: string) => `problem: the JSON array is malformed: ${why}`;
    expectAnyChunking('{"a":1} {"b":2},{"c":3}]', 100, [
      '1 {"a":1}',
      bad('element 2 (from byte B, line 1) follows element 1 without a comma between them'),
    ]);
    expectAnyChunking('{"a":1}\n{"b":2}]', 100, [
      '1 {"a":1}',
      bad('element 2 (from byte B, line 2) follows element 1 without a comma between them'),
    ]);
    expectAnyChunking('1 2]', 100, [
      '1 1',
      bad('element 2 (from byte B, line 1) follows element 1 without a comma between them'),
    ]);
    expectAnyChunking('{"a":1}},{"b":2}]', 100, [
      '1 {"a":1}',
      bad('a `}` too many at byte B, line 1, after element 1'),
    ]);
    expectAnyChunking('{"a":1},,{"b":2}]', 100, [
      '1 {"a":1}',
      bad('an element is missing at byte B, line 1, after element 1: two commas in a row'),
    ]);
    expectAnyChunking(' ,{"a":1}]', 100, [
      bad('an element is missing at byte B, line 1: a comma right after the opening `[`'),
    ]);
    expectAnyChunking('{"a":1},\n]', 100, [
      '1 {"a":1}',
      bad('an element is missing at byte B, line 2, after element 1: a comma right before the closing `]`'),
    ]);
    expectAnyChunking('1,]', 100, [
      '1 1',
      bad('an element is missing at byte B, line 1, after element 1: a comma right before the closing `]`'),
    ]);
  });

  it('takes commas and brackets inside strings and nested values as content, not structure', () => {
    expectAnyChunking('{"a":",,]"},["x",[1,2],{}] , "}{,"\n]', 100, [
      '1 {"a":",,]"}',
      '2 ["x",[1,2],{}]',
      '3 "}{,"',
    ]);
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
