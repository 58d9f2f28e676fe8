import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrdersBatch } from '../../../lambda/core/fact-batches.js';
import { ParquetWriteError } from '../../../lambda/core/parquet-file-writer.js';
import { processSource } from '../../../lambda/core/process-source.js';
import { localEtlFields } from '../../../tools/etl/etl-summary.js';
import {
  NATIVE_ENCODER_BINARY,
  NativeParquetWriter,
  nativeEncoder,
  nativeEncoderUsage,
} from '../../../tools/etl/native-parquet-writer.js';
import { runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { stageLocalSource } from '../../../tools/etl/stage-local-source.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { findCargo } from '../../../tools/scripts/build-native-encoder.js';
import { LocalObjectStore } from '../../../tools/storage/local-object-store.js';

/**
 * The native Parquet encoder (`native/parquet-encoder`, which `npm ci` builds where cargo is
 * installed) writes what parquet-wasm writes, byte for byte, so `ops etl` may use either and the
 * Lambda's files equal a local run's. Its failures are the ETL's `ParquetWriteError`s.
 * Without cargo these tests skip: the ETL then uses parquet-wasm alone.
 */
const cargo = findCargo();
let base: string;
const dirs: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Every file under `root` (relative path → bytes). */
async function filesUnder(root: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries)
    if (e.isFile())
      out[path.relative(root, path.join(e.parentPath, e.name))] = await readFile(
        path.join(e.parentPath, e.name),
      );
  return out;
}

/** Runs `fn` with the native encoder turned off (`STORE_SALES_PARQUET_ENCODER=wasm`). */
async function withWasm<T>(fn: () => Promise<T>): Promise<T> {
  process.env.STORE_SALES_PARQUET_ENCODER = 'wasm';
  try {
    return await fn();
  } finally {
    delete process.env.STORE_SALES_PARQUET_ENCODER;
  }
}

/** A fake encoder: a shell script standing in for the binary, to see how its failures surface. */
async function fakeEncoder(script: string): Promise<string> {
  const file = path.join(await tempDir('fake-encoder-'), 'encoder.sh');
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return file;
}

beforeAll(async () => {
  base = await tempDir('native-encoder-');
  await generateDataset({
    lake: base,
    from: '2025-01',
    months: 3,
    ordersPerMonth: 3000,
    seed: 5,
    force: false,
  });
  // a source spanning two months: four files open at once
  const raw = path.join(base, 'raw', 'store_sales');
  const jan = await readFile(path.join(raw, 'orders_2025_01.json'));
  const feb = await readFile(path.join(raw, 'orders_2025_02.json'));
  await writeFile(path.join(raw, 'orders_2025_q1_resend.json'), Buffer.concat([jan, feb]));
  await mkdir(path.join(base, 'staging'));
}, 60_000);

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// STORE_SALES_PARQUET_ENCODER=wasm: a CI job that turned it off (and did not build it)
describe.skipIf(!cargo || process.env.STORE_SALES_PARQUET_ENCODER === 'wasm')(
  'the native Parquet encoder',
  () => {
    it('is built from the current sources wherever cargo is installed (`npm ci`, or `npm run setup:native`)', () => {
      expect(nativeEncoder(), `${NATIVE_ENCODER_BINARY} missing or stale: run \`npm run setup:native\``).toBe(
        NATIVE_ENCODER_BINARY,
      );
    });

    /** One source through the ETL core with parquet-wasm or the native encoder: its result and files. */
    const run = async (
      lake: string,
      key: string,
      native: boolean,
      sizes: { batchRows?: number; rowGroupRows?: number } = {},
    ) => {
      const out = await tempDir('native-encoder-out-');
      const outputs = new LocalObjectStore(out);
      const result = await processSource(new LocalObjectStore(lake), key, {
        processedStore: outputs,
        quarantineStore: outputs,
        encoderThread: false,
        ...sizes,
        ...(native
          ? {
              openSink: (table, file, rows) =>
                new NativeParquetWriter(NATIVE_ENCODER_BINARY, table, file, rows),
            }
          : {}),
      });
      return { result, files: await filesUnder(path.join(out, 'processed')) };
    };

    const expectSameFiles = (got: Record<string, Buffer>, expected: Record<string, Buffer>) => {
      expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
      for (const [file, bytes] of Object.entries(expected))
        expect(got[file]?.equals(bytes), `${file} differs`).toBe(true);
    };

    it('writes the bytes parquet-wasm writes, over many batches and row groups', async () => {
      // small batches and row groups: batches end mid row group and row groups mid batch
      const sizes = { batchRows: 700, rowGroupRows: 1_900 };
      const key = 'raw/store_sales/orders_2025_q1_resend.json';
      const cpuBefore = nativeEncoderUsage.cpuSeconds;
      const rssBefore = nativeEncoderUsage.rssBytes;
      const wasm = await run(base, key, false, sizes);
      const native = await run(base, key, true, sizes);
      expect(Object.keys(wasm.files)).toHaveLength(4);
      expectSameFiles(native.files, wasm.files);
      expect(native.result.rows).toEqual(wasm.result.rows);
      // four encoder processes, each reporting its CPU and peak RSS (read from /proc)
      expect(nativeEncoderUsage.cpuSeconds).toBeGreaterThan(cpuBefore);
      expect(nativeEncoderUsage.rssBytes - rssBefore).toBeGreaterThan(4 * 1e6);
    }, 60_000);

    it("writes the bytes parquet-wasm writes at the ETL's sizes, where pages and dictionaries fill up", async () => {
      // 60,000 orders, ~120,000 lines: two row groups of lines, plain columns past 1 MiB data pages
      const big = await tempDir('native-encoder-big-');
      await generateDataset({
        lake: big,
        from: '2025-05',
        months: 1,
        ordersPerMonth: 60_000,
        seed: 8,
        force: false,
      });
      const key = 'raw/store_sales/orders_2025_05.json';
      const wasm = await run(big, key, false);
      const native = await run(big, key, true);
      expect(wasm.result.rows.fact_order_items).toBeGreaterThan(65_536);
      expectSameFiles(native.files, wasm.files);
    }, 60_000);

    it('gives `ops etl` the same lake as parquet-wasm, in this process and in worker processes', async () => {
      const lakes = {
        wasm: await tempDir('native-etl-wasm-'),
        one: await tempDir('native-etl-one-'),
        two: await tempDir('native-etl-two-'),
      };
      for (const lake of Object.values(lakes))
        await cp(path.join(base, 'raw'), path.join(lake, 'raw'), { recursive: true });
      const wasm = await withWasm(() => runLocalEtl({ lake: lakes.wasm, workers: 1 }));
      const one = await runLocalEtl({ lake: lakes.one, workers: 1 });
      const two = await runLocalEtl({ lake: lakes.two, workers: 2 });
      expect([wasm.parquetEncoder, one.parquetEncoder, two.parquetEncoder]).toEqual([
        'parquet-wasm',
        'native',
        'native',
      ]);
      expect(two.workers).toBe(2);
      // and says which it was
      expect(localEtlFields(one, lakes.one)['parquet encoder']).toBe('native');
      expect(localEtlFields(wasm, lakes.wasm)['parquet encoder']).toMatch(
        /^parquet-wasm .*npm run setup:native/,
      );
      const expected = await filesUnder(path.join(lakes.wasm, 'processed'));
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(6);
      for (const lake of [lakes.one, lakes.two]) {
        const got = await filesUnder(path.join(lake, 'processed'));
        expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
        for (const [file, bytes] of Object.entries(expected))
          expect(got[file]?.equals(bytes), `${file} differs`).toBe(true);
      }
    }, 120_000);
  },
);

describe('finding cargo to build the encoder', () => {
  it("looks on the PATH, then in rustup's folder, and finds none where neither has it", () => {
    const nowhere = path.join(os.tmpdir(), 'no-such-cargo-home');
    expect(findCargo({ PATH: nowhere, CARGO_HOME: nowhere })).toBeUndefined();
    if (cargo) {
      // the cargo found here, through the PATH or through CARGO_HOME alone
      expect(findCargo()).toBeDefined();
      const home = path.dirname(
        path.dirname(
          execFileSync('sh', ['-c', 'command -v cargo || echo $HOME/.cargo/bin/cargo']).toString().trim(),
        ),
      );
      expect(findCargo({ PATH: nowhere, CARGO_HOME: home })).toBe(path.join(home, 'bin', 'cargo'));
    }
  });
});

describe('NativeParquetWriter: a failing encoder', () => {
  const stage = (binary: string) =>
    stageLocalSource(new LocalObjectStore(base), 'raw/store_sales/orders_2025_03.json', {
      nativeEncoder: binary,
      tmpDir: path.join(base, 'staging'),
    });

  it("fails the source with the encoder's own message, and leaves no staged file", async () => {
    const binary = await fakeEncoder(
      'cat > /dev/null; echo "store-sales-parquet-encoder: disk full" >&2; exit 1',
    );
    const err = await stage(binary).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParquetWriteError);
    expect((err as Error).message).toMatch(
      /fact_order.*\.parquet failed: store-sales-parquet-encoder: disk full/,
    );
    expect(await readdir(path.join(base, 'staging')).catch(() => [])).toEqual([]);
  });

  it('fails the source when the encoder stops reading part way', async () => {
    // reads the first bytes and exits: the ETL's later writes meet a closed pipe
    const binary = await fakeEncoder('head -c 5000 > /dev/null; exit 3');
    const err = await stage(binary).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParquetWriteError);
    expect((err as Error).message).toMatch(/the native Parquet encoder stopped \(3\)/);
  });

  it('fails the source when the footer holds other rows than were sent', async () => {
    const binary = await fakeEncoder(
      'for a in "$@"; do if [ "$prev" = --out ]; then out="$a"; fi; prev="$a"; done; cat > "$out"; echo \'{"rows":1,"cpuSeconds":0,"peakRssKib":0}\'',
    );
    const err = await stage(binary).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParquetWriteError);
    expect((err as Error).message).toMatch(/footer holds 1 rows, \d+ written/);
  });

  it('fails the source when the encoder ends well but its report is not one', async () => {
    const binary = await fakeEncoder('cat > /dev/null; echo "done"');
    const err = await stage(binary).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParquetWriteError);
    expect((err as Error).message).toMatch(/report is not what it prints: "done\\n"/);
    const partial = await fakeEncoder('cat > /dev/null; echo \'{"rows":3}\'');
    expect(((await stage(partial).catch((e: unknown) => e)) as Error).message).toMatch(
      /report is not what it prints/,
    );
  });

  it('takes many small batches into an encoder slow to read without stalling', async () => {
    // the pipe fills while the encoder sleeps; batches far below the stream's 16 KiB limit
    // must not wait for a 'drain' that only a refused write brings
    const binary = await fakeEncoder(
      'for a in "$@"; do if [ "$prev" = --out ]; then out="$a"; fi; prev="$a"; done; sleep 1; cat > "$out"; echo \'{"rows":0,"cpuSeconds":0,"peakRssKib":0}\'',
    );
    const file = path.join(await tempDir('native-small-'), 'part.parquet');
    const writer = new NativeParquetWriter(binary, 'fact_orders', file, 65_536);
    const empty = new OrdersBatch('raw/store_sales/x.json').recordBatch();
    for (let i = 0; i < 200; i++) await writer.write(empty);
    expect(await writer.close()).toBe(0);
    expect((await stat(file)).size).toBeGreaterThan(64 * 1024);
  }, 15_000);

  it('is killed and its partial file removed when the source is aborted', async () => {
    const binary = await fakeEncoder(
      'for a in "$@"; do if [ "$prev" = --out ]; then out="$a"; fi; prev="$a"; done; cat > "$out"',
    );
    const dir = await tempDir('native-abort-');
    const file = path.join(dir, 'part.parquet');
    const writer = new NativeParquetWriter(binary, 'fact_orders', file, 65_536);
    const batch = new OrdersBatch('raw/store_sales/x.json');
    await writer.write(batch.recordBatch());
    await new Promise((r) => setTimeout(r, 200));
    expect((await stat(file)).size).toBeGreaterThan(0);
    await writer.abort();
    expect(existsSync(file)).toBe(false);
  });
});
