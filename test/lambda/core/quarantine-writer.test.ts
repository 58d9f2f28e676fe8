import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../../../lambda/core/full-validation.js';
import { QuarantineWriter } from '../../../lambda/core/quarantine-writer.js';

// The quarantine file of one source: one JSON line per rejected record, exactly as readers
// (the quarantine table, `ops retry-quarantine`) parse it.
const KEY = 'raw/store_sales/orders_2025_01.json';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'quarantine-writer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);

describe('QuarantineWriter', () => {
  it('writes each rejected record as one JSON line, a truncated one with its full length', async () => {
    const file = path.join(dir, 'q.jsonl');
    const writer = new QuarantineWriter(file, KEY);
    writer.add(3, rejection('invalid_json', '(record)', 'Unexpected end'), '{"order_id":');
    writer.add(7, rejection('oversized_record', '(record)', '2000000 bytes exceed'), '{"a":"xxx', 2_000_000);
    writer.add(9, rejection('invalid_json', '(record)', 'Unexpected token'), 'nope');
    expect(await writer.close()).toBe(true);
    expect(await lines(file)).toEqual([
      {
        source_key: KEY,
        line_number: 3,
        reason: 'invalid_json',
        message: '(record): Unexpected end',
        violations: [{ reason: 'invalid_json', path: '(record)', message: 'Unexpected end' }],
        raw: '{"order_id":',
      },
      {
        source_key: KEY,
        line_number: 7,
        reason: 'oversized_record',
        message: '(record): 2000000 bytes exceed',
        violations: [{ reason: 'oversized_record', path: '(record)', message: '2000000 bytes exceed' }],
        raw: '{"a":"xxx',
        raw_truncated: true,
        raw_bytes: 2_000_000,
      },
      {
        source_key: KEY,
        line_number: 9,
        reason: 'invalid_json',
        message: '(record): Unexpected token',
        violations: [{ reason: 'invalid_json', path: '(record)', message: 'Unexpected token' }],
        raw: 'nope',
      },
    ]);
    expect({ count: writer.count, byReason: writer.byReason }).toEqual({
      count: 3,
      byReason: { invalid_json: 2, oversized_record: 1 },
    });
    expect(await writer.close()).toBe(true); // again: a no-op
  });

  it('creates no file when nothing is rejected', async () => {
    const file = path.join(dir, 'none.jsonl');
    const writer = new QuarantineWriter(file, KEY);
    await writer.drain();
    expect(await writer.close()).toBe(false);
    expect(existsSync(file)).toBe(false);
  });

  it('keeps every record when the caller waits for the file between bursts', async () => {
    const file = path.join(dir, 'many.jsonl');
    const writer = new QuarantineWriter(file, KEY);
    const raw = 'x'.repeat(2048);
    for (let i = 1; i <= 5000; i++) {
      writer.add(i, rejection('invalid_json', '(record)', 'bad'), raw);
      if (i % 100 === 0) await writer.drain();
    }
    await writer.close();
    const written = (await lines(file)) as { line_number: number }[];
    expect(written.map((r) => r.line_number)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
  });
});
