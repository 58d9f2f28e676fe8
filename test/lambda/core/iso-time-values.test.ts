import { describe, expect, it } from 'vitest';
import { readIsoDay, readIsoTimestamp, type UtcInstant } from '../../../lambda/core/iso-time-values.js';
import { cursorOn, outcome } from '../support/cursor.js';

// The fast parser's timestamp and date readers on bytes, against Date.parse: every accepted
// value, each part of the shape that is checked, and the calendar's edges.
const DAY_MS = 86_400_000;

function timestamp(text: string) {
  const json = JSON.stringify(text);
  const c = cursorOn(`${json},`);
  const into: UtcInstant = { timestampMs: -1, day: -1, year: -1, month: -1 };
  const result = outcome(c, () => readIsoTimestamp(c, 'at', into));
  return 'bail' in result ? result : { ...into, p: result.p, length: json.length };
}

const expected = (text: string) => {
  const ms = Date.parse(text);
  const at = new Date(ms);
  const day = Math.floor(ms / DAY_MS);
  return { timestampMs: ms, day, year: at.getUTCFullYear(), month: at.getUTCMonth() + 1 };
};

describe('readIsoTimestamp', () => {
  it.each([
    '2025-01-14T09:31:07Z',
    '2025-01-14T09:31:07.5Z',
    '2025-01-14T09:31:07.12Z',
    '2025-01-14T09:31:07.123Z',
    '2024-02-29T23:59:59.999Z',
    '2025-12-31T00:00:00Z',
    '1999-03-01T12:00:00Z',
    '2100-02-28T00:00:00Z',
  ])('reads %s as Date.parse does', (text) => {
    const read = timestamp(text);
    expect(read).toEqual({
      ...expected(text),
      p: (read as { length: number }).length,
      length: expect.any(Number),
    });
  });

  it.each([
    // length: 20, or 22 to 24 with a fraction
    '2025-01-14T09:31:07.Z',
    '2025-01-14T09:31:07.1234Z',
    '2025-01-14T09:31:7Z',
    // each separator
    '2025/01-14T09:31:07Z',
    '2025-01/14T09:31:07Z',
    '2025-01-14 09:31:07Z',
    '2025-01-14T09.31:07Z',
    '2025-01-14T09:31.07Z',
    '2025-01-14T09:31:07X',
    '2025-01-14T09:31:07,5Z',
    '2025-01-14T09:31:07.5X',
    // a non-digit in each part, just below '0' and just above '9'
    '2/25-01-14T09:31:07Z',
    '2:25-01-14T09:31:07Z',
    '2025-/1-14T09:31:07Z',
    '2025-01-1:T09:31:07Z',
    '2025-01-14T/9:31:07Z',
    '2025-01-14T09:3:07Z0',
    '2025-01-14T09:31:0/Z',
    '2025-01-14T09:31:07.1/Z',
  ])('refuses the shape of %s', (text) => {
    expect(timestamp(text)).toEqual({ bail: 'at: not an ISO-8601 UTC timestamp' });
  });

  it('refuses a timestamp written with an escape', () => {
    const c = cursorOn('"2025-01-14T09:31:07\\u005a",');
    const into: UtcInstant = { timestampMs: 0, day: 0, year: 0, month: 0 };
    expect(outcome(c, () => readIsoTimestamp(c, 'at', into))).toEqual({
      bail: 'at: not an ISO-8601 UTC timestamp',
    });
  });

  it.each([
    '2025-00-14T09:31:07Z',
    '2025-13-14T09:31:07Z',
    '2025-01-00T09:31:07Z',
    '2025-01-32T09:31:07Z',
    '2025-02-29T09:31:07Z',
    '2100-02-29T09:31:07Z',
    '2025-04-31T09:31:07Z',
    '2025-01-14T24:00:00Z',
    '2025-01-14T09:60:07Z',
    '2025-01-14T09:31:60Z',
  ])('refuses %s, which is not on the calendar', (text) => {
    expect(timestamp(text)).toEqual({ bail: 'at: not a calendar date and time' });
  });
});

function day(text: string, json = JSON.stringify(text)) {
  const c = cursorOn(`${json},`);
  return outcome(c, () => readIsoDay(c, 'on'));
}

describe('readIsoDay', () => {
  it.each(['2024-11-02', '2024-02-29', '2000-02-29', '1970-01-01', '2025-12-31'])('reads %s', (text) => {
    expect(day(text)).toEqual({ value: Date.parse(text) / DAY_MS, p: text.length + 2 });
  });

  it.each([
    '2024/11-02',
    '2024-11/02',
    '2024-11-2',
    '2024-11-002',
    'x024-11-02',
    '2024-1x-02',
    '2024-11-0x',
    '2024-11-02T',
  ])('refuses the shape of %s', (text) => {
    expect(day(text)).toEqual({ bail: 'on: not a YYYY-MM-DD date' });
  });

  it('refuses a date written with an escape', () => {
    expect(day('', '"2024-11-0\\u0032"')).toEqual({ bail: 'on: not a YYYY-MM-DD date' });
  });

  it.each(['2024-00-10', '2024-13-10', '2024-11-00', '2024-11-31', '2023-02-29', '1900-02-29'])(
    'refuses %s, which is not on the calendar',
    (text) => {
      expect(day(text)).toEqual({ bail: 'on: not a calendar date' });
    },
  );
});
