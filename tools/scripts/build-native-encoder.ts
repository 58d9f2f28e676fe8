import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  NATIVE_ENCODER_BINARY,
  NATIVE_ENCODER_CRATE,
  NATIVE_ENCODER_STAMP,
  nativeEncoder,
  nativeEncoderSources,
  nativeEncoderTurnedOff,
} from '../etl/native-parquet-writer.js';
import { cacheRoot } from '../lib/cache-root.js';
import { withDirLock } from '../lib/dir-lock.js';
import { temporaryFor, writeFileAtomic } from '../lib/fs-atomic.js';
import { runLogged } from './ensure-python.js';

/**
 * Builds the native Parquet encoder (`native/parquet-encoder`, parquet-rs compiled for this
 * machine) that `ops etl` uses instead of parquet-wasm: the same files in ~20 % less CPU
 * (docs/scale.md). Run by `npm ci` (postinstall) and `npm run setup:native`; cargo's own check
 * makes a second run a no-op (it builds in a per-user folder, `nativeEncoderTargetDir`). Without
 * cargo, when the build fails, or with STORE_SALES_PARQUET_ENCODER=wasm (CI jobs that run no
 * ETL), it says so and exits 0:
 * the ETL then encodes with parquet-wasm, as the Lambda does. Output goes to
 * `native/parquet-encoder.log`.
 */

/** cargo on the PATH, else rustup's default place (not on the PATH of every shell). */
export function findCargo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    'cargo',
    path.join(env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'), 'bin', 'cargo'),
  ];
  return candidates.find((c) => spawnSync(c, ['--version'], { stdio: 'ignore', env }).status === 0);
}

export const NATIVE_ENCODER_LOG = `${NATIVE_ENCODER_CRATE}.log`;

/**
 * Where cargo builds: one folder per user (`cacheRoot`, beside the Trino download), so every clone
 * and worktree on the machine reuses the compiled crates: ~1.5 min the first time, seconds after.
 * Each clone gets its own copy of the binary it built (`NATIVE_ENCODER_BINARY`).
 */
export const nativeEncoderTargetDir = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(cacheRoot(env), 'native-encoder-target');

/** Builds the encoder; resolves to a line saying what happened (it never throws). */
export async function buildNativeEncoder(): Promise<string> {
  if (nativeEncoderTurnedOff())
    return 'native Parquet encoder: not built (STORE_SALES_PARQUET_ENCODER=wasm: `npx ops etl` encodes with parquet-wasm)';
  const cargo = findCargo();
  if (!cargo)
    return 'native Parquet encoder: cargo not found, so `npx ops etl` encodes with parquet-wasm (the same files, ~20 % more CPU); install Rust (https://rustup.rs) and run `npm run setup:native`';
  const started = performance.now();
  const targetDir = nativeEncoderTargetDir();
  const fresh = nativeEncoder() === undefined;
  if (fresh)
    process.stdout.write(
      `native Parquet encoder: building with cargo (${existsSync(path.join(targetDir, 'release')) ? 'its crates compiled before on this machine' : '1-2 min the first time on this machine'}; log: ${path.relative(process.cwd(), NATIVE_ENCODER_LOG)})…\n`,
    );
  try {
    writeFileSync(NATIVE_ENCODER_LOG, '');
    // One build at a time in the shared folder, and the binary copied before the next one
    // (another clone's) replaces it.
    await withDirLock(
      targetDir,
      'store-sales-build.lock',
      async () => {
        await runLogged(
          cargo,
          [
            'build',
            '--release',
            '--locked',
            '--manifest-path',
            path.join(NATIVE_ENCODER_CRATE, 'Cargo.toml'),
            '--target-dir',
            targetDir,
          ],
          NATIVE_ENCODER_LOG,
          {},
          'needs Rust 1.85 or newer (rustup.rs) and crates.io; then run `npm run setup:native`',
        );
        const tmp = await temporaryFor(NATIVE_ENCODER_BINARY);
        await copyFile(path.join(targetDir, 'release', path.basename(NATIVE_ENCODER_BINARY)), tmp);
        await rename(tmp, NATIVE_ENCODER_BINARY);
        await writeFileAtomic(NATIVE_ENCODER_STAMP, nativeEncoderSources());
      },
      () => process.stdout.write('native Parquet encoder: waiting for another build on this machine…\n'),
    );
  } catch (err) {
    // a binary of older sources must not stay in use (`nativeEncoder` would refuse it anyway)
    await rm(NATIVE_ENCODER_STAMP, { force: true });
    return `native Parquet encoder: the build failed, so \`npx ops etl\` encodes with parquet-wasm (the same files, ~20 % more CPU): ${(err as Error).message}`;
  }
  return `native Parquet encoder: ${fresh ? 'built' : 'up to date'} in ${((performance.now() - started) / 1000).toFixed(0)} s`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]))
  process.stdout.write(`${await buildNativeEncoder()}\n`);
