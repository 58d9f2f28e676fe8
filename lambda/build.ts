import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PARQUET_WASM_FILE } from './core/parquet-wasm.js';
import { ESM_REQUIRE_BANNER } from './core/worker-script.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Bundles the ETL Lambda into `outDir` (emptied first): `index.mjs` (handler `index.handler`,
 * ESM, Node 22), `parquet-worker.mjs` (the Parquet encoder thread) and parquet-wasm's
 * WebAssembly module beside them. Dependencies, the AWS SDK included, are bundled so the function
 * runs the versions the tests ran. Returns the entry file and the total size in bytes.
 */
export async function bundleLambda(outDir: string): Promise<{ entry: string; bytes: number }> {
  const out = path.resolve(outDir);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: {
      index: path.join(here, 'handler.ts'),
      'parquet-worker': path.join(here, 'core', 'parquet-worker.ts'),
    },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: ESM_REQUIRE_BANNER },
  });
  const wasm = createRequire(import.meta.url).resolve(`parquet-wasm/esm/${PARQUET_WASM_FILE}`);
  await copyFile(wasm, path.join(out, PARQUET_WASM_FILE));
  let bytes = 0;
  for (const name of await readdir(out)) bytes += (await stat(path.join(out, name))).size;
  return { entry: path.join(out, 'index.mjs'), bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const outDir = process.argv[2] ?? 'dist/lambda';
  const { entry, bytes } = await bundleLambda(outDir);
  process.stdout.write(`bundled ${entry} (${(bytes / 1e6).toFixed(1)} MB with assets)\n`);
}
