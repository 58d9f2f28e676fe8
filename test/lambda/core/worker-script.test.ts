import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled, workerScript } from '../../../lambda/core/worker-script.js';

// TypeScript entry points bundled on the fly for worker threads and child processes: their own
// modules and the packages they import bundled in, the file named by its content.
let dir: string;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** A minute ago: a file time before any build of the test. */
const past = new Date(Date.now() - 60_000);
beforeAll(async () => {
  // inside the repository, as real entry points are: the packages they import resolve from there
  await mkdir(path.join(repo, 'node_modules', '.cache'), { recursive: true });
  dir = await mkdtemp(path.join(repo, 'node_modules', '.cache', 'worker-script-test-'));
});
/** What the workerScript tests leave in the shared cache (node_modules/.cache/store-sales-etl). */
const shared: URL[] = [];
afterAll(async () => {
  for (const url of shared) {
    const bundle = fileURLToPath(url);
    const name = path.basename(bundle).replace(/-[0-9a-f]{12}\.mjs$/, '');
    await rm(bundle, { force: true });
    await rm(path.join(path.dirname(bundle), recordName(path.join(dir, `${name}.ts`))), { force: true });
  }
  await rm(dir, { recursive: true, force: true });
});

/** The name of the record an entry file's bundle gets (worker-script.ts). */
const recordName = (entryFile: string): string =>
  `${path.basename(entryFile, '.ts')}-${createHash('sha256').update(entryFile).digest('hex').slice(0, 12)}.inputs.json`;

async function entry(name: string, code: string, helper = 'export const six: number = 6;'): Promise<URL> {
  await writeFile(path.join(dir, `${name}-helper.ts`), helper);
  const file = path.join(dir, `${name}.ts`);
  await writeFile(file, code.replace('HELPER', `./${name}-helper.ts`));
  return pathToFileURL(file);
}

describe('workerScript', () => {
  it('bundles an entry with its own modules and its packages into a runnable ES module named by its hash', async () => {
    const entryUrl = await entry(
      'answer',
      "import { six } from 'HELPER';\nimport { tableFromArrays, tableToIPC } from 'apache-arrow';\n" +
        "import { parquetWasm } from '" +
        path.join(repo, 'lambda', 'core', 'parquet-wasm.ts') +
        "';\nimport { z } from 'zod';\n" +
        'export const answer = z.number().parse(six * 7);\n' +
        'const table = tableFromArrays({ a: Int32Array.from([1, 2, 3]) });\n' +
        'export const rows = table.numRows;\n' +
        // parquet-wasm bundled in still finds its .wasm file
        "const ipc = tableToIPC(table, 'stream');\n" +
        'export const parquetBytes = parquetWasm().writeParquet(parquetWasm().Table.fromIPCStream(ipc)).length;\n',
    );
    // written well before the build, so that it gets a record (see the last test)
    for (const f of [fileURLToPath(entryUrl), path.join(dir, 'answer-helper.ts')])
      await utimes(f, past, past);
    const url = workerScript(entryUrl);
    shared.push(url);
    const file = fileURLToPath(url);
    expect(path.basename(file)).toMatch(/^answer-[0-9a-f]{12}\.mjs$/);
    expect(file).toContain(`${path.sep}node_modules${path.sep}.cache${path.sep}store-sales-etl${path.sep}`);
    const code = await readFile(file, 'utf8');
    // packages are bundled in: Node would load each of their modules one by one
    for (const pkg of ['apache-arrow', 'zod', 'parquet-wasm'])
      expect(code).not.toMatch(new RegExp(`^import [^;]*from "${pkg}`, 'm'));
    expect(code).not.toMatch(/from "[^"]*answer-helper/); // its own module is bundled in
    const loaded = (await import(url.href)) as { answer: number; rows: number; parquetBytes: number };
    expect([loaded.answer, loaded.rows]).toEqual([42, 3]);
    expect(loaded.parquetBytes).toBeGreaterThan(8); // 'PAR1' at both ends, a footer between
    // the packages' files are inputs too: one that `npm ci` changes makes a new bundle
    const record = JSON.parse(
      await readFile(path.join(path.dirname(file), recordName(fileURLToPath(entryUrl))), 'utf8'),
    ) as { inputs: Record<string, string> };
    const inputs = Object.keys(record.inputs);
    for (const pkg of ['apache-arrow', 'zod', 'parquet-wasm'])
      expect(inputs.some((f) => f.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`))).toBe(
        true,
      );
  });

  it('gives the same entry the same file, and changed code a new one', async () => {
    const first = await entry('same', "import { six } from 'HELPER';\nexport const v = six;\n");
    const url = workerScript(first);
    shared.push(url);
    expect(workerScript(first)).toBe(url);
    const changed = await entry(
      'other',
      "import { six } from 'HELPER';\nexport const v = six;\n",
      'export const six = 7;',
    );
    const other = workerScript(changed);
    shared.push(other);
    expect(other.href).not.toBe(url.href);
    expect(((await import(other.href)) as { v: number }).v).toBe(7);
  });

  it('reuses a bundle while the files it was built from are unchanged, and bundles anew when one changes', async () => {
    const cache = await mkdtemp(path.join(dir, 'cache-'));
    const url = await entry('kept', "import { six } from 'HELPER';\nexport const v = six;\n");
    const file = fileURLToPath(url);
    const helper = path.join(dir, 'kept-helper.ts');
    const tsconfig = path.join(dir, 'tsconfig.json');
    await writeFile(tsconfig, '{}');
    // files written well before the build (one written while it runs gets no record: below)
    const settle = () => Promise.all([file, helper, tsconfig].map((f) => utimes(f, past, past)));
    await settle();
    const first = bundled(file, cache);
    expect(first.reused).toBe(false);
    expect(bundled(file, cache)).toEqual({ file: first.file, reused: true });
    // the same content written again: still the same inputs
    await writeFile(helper, 'export const six: number = 6;');
    await settle();
    expect(bundled(file, cache).reused).toBe(true);
    // a module it imports changes: a new bundle, with the new code
    await writeFile(helper, 'export const six: number = 66;');
    await settle();
    const changed = bundled(file, cache);
    expect(changed.reused).toBe(false);
    expect(changed.file).not.toBe(first.file);
    expect(existsSync(first.file)).toBe(false); // the bundle it replaces is removed
    expect(((await import(pathToFileURL(changed.file).href)) as { v: number }).v).toBe(66);
    expect(bundled(file, cache).reused).toBe(true);
    // the nearest tsconfig.json changes what esbuild writes: bundled anew
    await writeFile(tsconfig, '{"compilerOptions":{}}');
    await settle();
    expect(bundled(file, cache).reused).toBe(false);
    expect(bundled(file, cache).reused).toBe(true);
    // a bundle removed from the cache is built again
    await rm(changed.file);
    expect(bundled(file, cache)).toEqual({ file: changed.file, reused: false });
  });

  it('keeps no record of a bundle whose files changed while it was built', async () => {
    const cache = await mkdtemp(path.join(dir, 'cache-'));
    const file = fileURLToPath(await entry('busy', "import { six } from 'HELPER';\nexport const v = six;\n"));
    await utimes(file, past, past);
    // the helper's time says it was written after the build began: its content may not be what was bundled
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(dir, 'busy-helper.ts'), later, later);
    expect(bundled(file, cache).reused).toBe(false);
    expect(bundled(file, cache).reused).toBe(false);
    await utimes(path.join(dir, 'busy-helper.ts'), past, past);
    expect(bundled(file, cache).reused).toBe(false);
    expect(bundled(file, cache).reused).toBe(true);
  });
});
