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

describe.skipIf(!cargo)('the native Parquet encoder', () => {
  it('is built wherever cargo is installed (`npm ci`, or `npm run setup:native`)', () => {
    expect(existsSync(NATIVE_ENCODER_BINARY), `${NATIVE_ENCODER_BINARY}: run \`npm run setup:native\``).toBe(
      true,
    );
  });

  it('writes the bytes parquet-wasm writes, over many batches and row groups', async () => {
    const run = async (native: boolean) => {
      const out = await tempDir('native-encoder-out-');
      const outputs = new LocalObjectStore(out);
      const result = await processSource(
        new LocalObjectStore(base),
        'raw/store_sales/orders_2025_q1_resend.json',
        {
          processedStore: outputs,
          quarantineStore: outputs,
          encoderThread: false,
          // small batches and row groups: batches end mid row group and row groups mid batch
          batchRows: 700,
          rowGroupRows: 1_900,
          ...(native
            ? {
                openSink: (table, file, rows) =>
                  new NativeParquetWriter(NATIVE_ENCODER_BINARY, table, file, rows),
              }
            : {}),
        },
      );
      return { result, files: await filesUnder(path.join(out, 'processed')) };
    };
    const cpuBefore = nativeEncoderUsage.cpuSeconds;
    const rssBefore = nativeEncoderUsage.rssBytes;
    const wasm = await run(false);
    const native = await run(true);
    expect(Object.keys(wasm.files)).toHaveLength(4);
    expect(Object.keys(native.files).sort()).toEqual(Object.keys(wasm.files).sort());
    for (const [file, bytes] of Object.entries(wasm.files))
      expect(native.files[file]?.equals(bytes), `${file} differs`).toBe(true);
    expect(native.result.rows).toEqual(wasm.result.rows);
    // four encoder processes, each reporting its CPU and peak RSS (read from /proc)
    expect(nativeEncoderUsage.cpuSeconds).toBeGreaterThan(cpuBefore);
    expect(nativeEncoderUsage.rssBytes - rssBefore).toBeGreaterThan(4 * 1e6);
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
});

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
    // reads nothing and exits: the ETL's writes meet a closed pipe
    const binary = await fakeEncoder('exit 3');
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
