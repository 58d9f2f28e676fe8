import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled, workerScript } from '../../../lambda/core/worker-script.js';

// TypeScript entry points bundled on the fly for worker threads and child processes: their own
// modules bundled in, packages left to node_modules, the file named by its content.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'worker-script-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function entry(name: string, code: string, helper = 'export const six: number = 6;'): Promise<URL> {
  await writeFile(path.join(dir, `${name}-helper.ts`), helper);
  const file = path.join(dir, `${name}.ts`);
  await writeFile(file, code.replace('HELPER', `./${name}-helper.ts`));
  return pathToFileURL(file);
}

describe('workerScript', () => {
  it('bundles an entry with its own modules into a runnable ES module named by its hash', async () => {
    const url = workerScript(
      await entry(
        'answer',
        "import { six } from 'HELPER';\nimport { tableFromArrays } from 'apache-arrow';\n" +
          'export const answer = six * 7;\nexport const rows = tableFromArrays({ a: [1, 2, 3] }).numRows;\n',
      ),
    );
    const file = fileURLToPath(url);
    expect(path.basename(file)).toMatch(/^answer-[0-9a-f]{12}\.mjs$/);
    expect(file).toContain(`${path.sep}node_modules${path.sep}.cache${path.sep}store-sales-etl${path.sep}`);
    const code = await readFile(file, 'utf8');
    expect(code).toMatch(/from "apache-arrow"/); // a package stays external
    expect(code).not.toMatch(/from "[^"]*answer-helper/); // its own module is bundled in
    const loaded = (await import(url.href)) as { answer: number; rows: number };
    expect([loaded.answer, loaded.rows]).toEqual([42, 3]);
  });

  it('gives the same entry the same file, and changed code a new one', async () => {
    const first = await entry('same', "import { six } from 'HELPER';\nexport const v = six;\n");
    const url = workerScript(first);
    expect(workerScript(first)).toBe(url);
    const changed = await entry(
      'other',
      "import { six } from 'HELPER';\nexport const v = six;\n",
      'export const six = 7;',
    );
    const other = workerScript(changed);
    expect(other.href).not.toBe(url.href);
    expect(((await import(other.href)) as { v: number }).v).toBe(7);
  });

  it('reuses a bundle while the files it was built from are unchanged, and bundles anew when one changes', async () => {
    const url = await entry('kept', "import { six } from 'HELPER';\nexport const v = six;\n");
    const file = fileURLToPath(url);
    const first = bundled(file);
    expect(bundled(file)).toEqual({ file: first.file, reused: true });
    // the same content written again: still the same inputs
    await writeFile(path.join(dir, 'kept-helper.ts'), 'export const six: number = 6;');
    expect(bundled(file).reused).toBe(true);
    // a module it imports changes: a new bundle, with the new code
    await writeFile(path.join(dir, 'kept-helper.ts'), 'export const six: number = 66;');
    const changed = bundled(file);
    expect(changed.reused).toBe(false);
    expect(changed.file).not.toBe(first.file);
    expect(((await import(pathToFileURL(changed.file).href)) as { v: number }).v).toBe(66);
    // a bundle removed from the cache is built again
    await rm(changed.file);
    expect(bundled(file)).toEqual({ file: changed.file, reused: false });
  });
});
