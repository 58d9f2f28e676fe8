import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as parquet from 'parquet-wasm/esm';

/** File name of the WebAssembly module; `bundleLambda` copies it next to the bundle. */
export const PARQUET_WASM_FILE = 'parquet_wasm_bg.wasm';

let loaded = false;

/**
 * parquet-wasm, initialised once per process. The module is read from next to this code (the
 * Lambda bundle ships it beside `index.mjs`) or else from the installed package, and compiled
 * synchronously so callers need no async set-up.
 */
export function parquetWasm(): typeof parquet {
  if (!loaded) {
    const bundled = fileURLToPath(new URL(`./${PARQUET_WASM_FILE}`, import.meta.url));
    const file = existsSync(bundled)
      ? bundled
      : createRequire(import.meta.url).resolve(`parquet-wasm/esm/${PARQUET_WASM_FILE}`);
    parquet.initSync({ module: readFileSync(file) });
    loaded = true;
  }
  return parquet;
}
