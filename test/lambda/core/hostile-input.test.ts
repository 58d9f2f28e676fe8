import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rawOrderSchema } from '../../../contracts/raw-order.js';
import { FastOrderParser } from '../../../lambda/core/fast-order-parser.js';
import { QUARANTINE_REASONS, validateFully } from '../../../lambda/core/full-validation.js';
import { jsonShapeProblem } from '../../../lambda/core/json-shape-guard.js';
import { NormalizedOrder } from '../../../lambda/core/normalized-order.js';
import type { ObjectStore } from '../../../lambda/core/object-store.js';
import { processSource } from '../../../lambda/core/process-source.js';
import { GOLDEN_ORDER, jsonLines, TEST_NOW, tempLake, validOrder } from '../support/orders.js';

// Issue 15, point 7: hostile records each get a quarantine reason (or, where the value is exact,
// load with that exact value); none crashes the run. STORE_SALES_HOSTILE_CASES (default 5,000;
// `npm run test:hostile` runs 100,000) sets the property test's size.

const CASES = Number(process.env.STORE_SALES_HOSTILE_CASES ?? 5000);
const golden = JSON.stringify(GOLDEN_ORDER);
const KEY = 'raw/store_sales/orders_2025_01.json';

/** Runs the ETL over one good record and `line`; returns the second record's fate. */
async function fateOf(line: Buffer, maxRecordBytes?: number) {
  const lake = await tempLake();
  try {
    await lake.store.put(
      KEY,
      Buffer.concat([Buffer.from(`${JSON.stringify(validOrder(1))}\n`), line, Buffer.from('\n')]),
    );
    const r = await processSource(lake.store, KEY, {
      now: () => TEST_NOW,
      encoderThread: false,
      ...(maxRecordBytes ? { maxRecordBytes } : {}),
    });
    expect(r.read).toBe(r.loaded + r.quarantined);
    const rejects = r.quarantined
      ? (await readFile(`${lake.root}/quarantine/store_sales/orders_2025_01.jsonl`, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
    return { loaded: r.loaded, reasons: rejects.map((q: { reason: string }) => q.reason) };
  } finally {
    await lake.cleanup();
  }
}

const utf8 = (s: string) => Buffer.from(s);
const at = (needle: string, bytes: number[]) => {
  const i = golden.indexOf(needle);
  return Buffer.concat([utf8(golden.slice(0, i)), Buffer.from(bytes), utf8(golden.slice(i + needle.length))]);
};

describe('hostile records', () => {
  it.each([
    [
      'deeply nested JSON',
      utf8(golden.replace('"status"', `"x":${'['.repeat(100_000)}${']'.repeat(100_000)},"status"`)),
      'nesting_too_deep',
    ],
    ['invalid UTF-8 inside a string', at('é', [0xc3, 0x28]), 'invalid_utf8'],
    ['a lone continuation byte', at('é', [0x80]), 'invalid_utf8'],
    ['a NUL byte inside a string', utf8(golden.replace('Café', 'Ca\u0000fe')), 'invalid_json'],
    ['a NUL byte between tokens', utf8(golden.replace('"status"', '\u0000"status"')), 'invalid_json'],
    [
      'a byte-order mark in the middle of the file',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(golden)]),
      'invalid_json',
    ],
    [
      '1e309 (not a finite number)',
      utf8(golden.replace('"shipping_fee":4.99', '"shipping_fee":1e309')),
      'schema_violation',
    ],
    [
      'a duplicate key',
      utf8(golden.replace('"status":"completed"', '"status":"completed","status":"cancelled"')),
      'duplicate_key',
    ],
    [
      'a duplicate key spelled with an escape',
      utf8(golden.replace('"status":"completed"', '"status":"completed","\\u0073tatus":"cancelled"')),
      'duplicate_key',
    ],
    [
      'a duplicate order_id key',
      utf8(golden.replace('"currency":"GBP"', '"currency":"GBP","order_id":"ORD-20250114-deadbeef"')),
      'duplicate_key',
    ],
  ])('%s is quarantined with its reason; the good record still loads', async (_, line, reason) => {
    expect(await fateOf(line)).toEqual({ loaded: 1, reasons: [reason] });
  });

  it.each([
    ['CRLF line ends', utf8(`${golden}\r`)],
    ['-0 as a discount (exactly zero)', utf8(golden.replace('"discount":0}', '"discount":-0}'))],
    [
      'float noise 0.30000000000000004-style on money (exactly 7.40 to the cent)',
      utf8(golden.replace('"tax":7.4', '"tax":7.400000000000001')),
    ],
  ])('%s loads, with the exact value', async (_, line) => {
    expect(await fateOf(line)).toEqual({ loaded: 2, reasons: [] });
  });

  it('a line over the record limit is quarantined as oversized while streaming (limit lowered; 1 GiB: npm run test:hostile)', async () => {
    const huge = Buffer.alloc(3 * 1024 * 1024, 0x20);
    huge.write('{"order_id":"', 0);
    expect(await fateOf(huge, 64 * 1024)).toEqual({ loaded: 1, reasons: ['oversized_record'] });
  });

  it('in a JSON array, a huge balanced element is oversized; one never closed fails the file (1 GiB: npm run test:hostile)', async () => {
    const lake = await tempLake();
    try {
      const good = JSON.stringify(validOrder(1));
      const huge = (closed: boolean) => {
        const b = Buffer.alloc(3 * 1024 * 1024, 0x20);
        b.write('{"order_id":"', 0);
        if (closed) b.write('"}', b.length - 2);
        return Buffer.concat([
          Buffer.from(`[${good},`),
          b,
          Buffer.from(`,${JSON.stringify(validOrder(2))}]`),
        ]);
      };
      const run = async (body: Buffer) => {
        await lake.store.put(KEY, body);
        return processSource(lake.store, KEY, {
          now: () => TEST_NOW,
          encoderThread: false,
          maxRecordBytes: 64 * 1024,
        });
      };
      expect(await run(huge(true))).toMatchObject({
        status: 'ok',
        read: 3,
        loaded: 2,
        byReason: { oversized_record: 1 },
      });
      // the string never ends: all the rest of the file would be element 2
      const broken = await run(huge(false));
      expect(broken).toMatchObject({
        status: 'failed',
        read: 1,
        loaded: 0,
        byReason: { malformed_json_array: 1 },
      });
      const from = (good.length + 2).toLocaleString('en-US');
      expect(broken.failure).toContain(`element 2 (from byte ${from}, line 1) is never closed`);
    } finally {
      await lake.cleanup();
    }
  });
});

/**
 * Processes one source of 1 GiB from a read-only store: `head`, then 1 GiB of `a`, then `tail`,
 * streamed in 1 MiB chunks, never held in memory. The store answers for that source only: no
 * `reference/fx_rates.csv` (else the FX loader would read the body as one). Returns the result
 * and how much the process's RSS grew meanwhile.
 */
async function processGib(head: string, tail: string) {
  const GIB = 1024 ** 3;
  const chunk = Buffer.alloc(1 << 20, 0x61);
  async function* body() {
    yield Buffer.from(head);
    for (let sent = 0; sent < GIB; sent += chunk.length) yield chunk;
    yield Buffer.from(tail);
  }
  const source: ObjectStore = {
    location: 'memory://hostile',
    get: async () => Readable.from(body()),
    head: async (key) => (key === KEY ? { key, size: GIB, etag: 'x', lastModified: new Date(0) } : undefined),
    put: () => Promise.reject(new Error('read-only')),
    list: async () => [],
    delete: async () => undefined,
    read: async () => undefined,
    putIf: () => Promise.reject(new Error('read-only')),
    deleteIf: () => Promise.reject(new Error('read-only')),
  };
  const out = await tempLake();
  try {
    const rss = process.memoryUsage().rss;
    const result = await processSource(source, KEY, {
      now: () => TEST_NOW,
      encoderThread: false,
      processedStore: out.store,
      quarantineStore: out.store,
    });
    return { result, grewBy: process.memoryUsage().rss - rss };
  } finally {
    await out.cleanup();
  }
}

// The real size, streamed from a generated source (never held in memory): `npm run test:hostile`.
it.runIf(process.env.STORE_SALES_HOSTILE_GIB === '1')(
  'a 1 GiB single line is quarantined as oversized with memory bounded by a chunk',
  async () => {
    const { result: r, grewBy } = await processGib(`${JSON.stringify(validOrder(1))}\n{"order_id":"`, '"}\n');
    expect(r).toMatchObject({ read: 2, loaded: 1, quarantined: 1, byReason: { oversized_record: 1 } });
    expect(grewBy).toBeLessThan(256 * 1024 ** 2);
  },
  600_000,
);

// The same for a JSON array whose element 2 never closes: 1 GiB decided from a bounded head.
it.runIf(process.env.STORE_SALES_HOSTILE_GIB === '1')(
  'a JSON array whose 1 GiB element never closes fails the file with memory bounded by a chunk',
  async () => {
    const { result: r, grewBy } = await processGib(
      `[${JSON.stringify(validOrder(1))},{"order_id":"`,
      `",${JSON.stringify(validOrder(2))}]`,
    );
    expect(r).toMatchObject({
      status: 'failed',
      read: 1,
      loaded: 0,
      byReason: { malformed_json_array: 1 },
    });
    expect(r.failure).toMatch(/element 2 \(from byte [\d,]+, line 1\) is not closed where it should be/);
    expect(grewBy).toBeLessThan(256 * 1024 ** 2);
  },
  600_000,
);

describe('the fast parser never accepts what the full path would refuse (hostile mutations)', () => {
  const mutation = fc.oneof(
    fc.constant((s: string) =>
      s.replace('"status":"completed"', '"status":"completed","status":"cancelled"'),
    ),
    fc
      .integer({ min: 1, max: 64 })
      .map((d) => (s: string) => s.replace('"status"', `"x":${'['.repeat(d)}${']'.repeat(d)},"status"`)),
    fc
      .constantFrom('\u0000', '\uFEFF', '\r', '\u0001')
      .map((c) => (s: string) => s.replace('"status"', `${c}"status"`)),
    fc
      .constantFrom('1e309', '-0', '0.30000000000000004', '-1e-7', '7.400000000000001', '1E2', '-0.0')
      .map((n) => (s: string) => s.replace('"tax":7.4', `"tax":${n}`)),
    fc
      .constantFrom('"\\u0073tatus"', '"status "', '"STATUS"')
      .map((k) => (s: string) => s.replace('"status"', k)),
  );
  it(`${CASES} cases`, () => {
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 255 }),
        (ms, cut, byte) => {
          let text = golden;
          for (const m of ms) text = m(text);
          let buf = Buffer.from(text);
          if (byte >= 0x80 && cut < buf.length)
            buf = Buffer.concat([
              buf.subarray(0, buf.length - cut),
              Buffer.from([byte]),
              buf.subarray(buf.length - cut),
            ]);
          const accepted = new FastOrderParser().parse(buf, 0, buf.length, new NormalizedOrder());
          const decoded = buf.toString('utf8');
          if (accepted) {
            // Taken fast: valid UTF-8 (checked before parsing in the ETL aside), one key per name, zod-valid.
            expect(jsonShapeProblem(decoded)).toBeUndefined();
            expect(rawOrderSchema.safeParse(JSON.parse(decoded)).success).toBe(true);
          } else if (isUtf8(buf)) {
            const verdict = validateFully(decoded);
            if ('reason' in verdict) expect(QUARANTINE_REASONS).toContain(verdict.reason);
            else expect(jsonShapeProblem(decoded)).toBeUndefined();
          }
        },
      ),
      { numRuns: CASES, seed: 15 },
    );
  }, 600_000);
});

it('jsonLines helper keeps its meaning', () => expect(jsonLines([GOLDEN_ORDER])).toBe(`${golden}\n`));
