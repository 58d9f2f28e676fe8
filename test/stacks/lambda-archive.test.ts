import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipBundle } from '../../stacks/lambda-archive.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lambda-archive-'));
  await mkdir(path.join(dir, 'bundle', 'assets'), { recursive: true });
  await writeFile(
    path.join(dir, 'bundle', 'index.mjs'),
    'export const handler = async () => 42;\n'.repeat(50),
  );
  await writeFile(
    path.join(dir, 'bundle', 'assets', 'module.wasm'),
    Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]),
  );
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Lists a zip with Python's zipfile (an independent reader): name, unix mode, content. */
function readWithPython(zip: string): { name: string; mode: number; text: string }[] {
  const script = [
    'import json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'print(json.dumps([{"name": i.filename, "mode": i.external_attr >> 16,',
    '  "text": z.read(i).decode("latin-1")} for i in z.infolist()]))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, zip], { encoding: 'utf8' }));
}

describe('zipBundle', () => {
  it('zips every file of the bundle, nested ones included, readable by the Lambda runtime user', async () => {
    const zip = path.join(dir, 'code.zip');
    await zipBundle(path.join(dir, 'bundle'), zip);
    const entries = readWithPython(zip);
    expect(entries.map((e) => e.name)).toEqual(['assets/module.wasm', 'index.mjs']);
    expect(entries.every((e) => e.mode === 0o100644)).toBe(true);
    expect(entries[1]?.text).toBe('export const handler = async () => 42;\n'.repeat(50));
  });

  it('gives byte-identical archives for the same files, whatever their timestamps', async () => {
    const [a, b] = [path.join(dir, 'a.zip'), path.join(dir, 'b.zip')];
    await zipBundle(path.join(dir, 'bundle'), a);
    await utimes(path.join(dir, 'bundle', 'index.mjs'), new Date('2031-05-05'), new Date('2031-05-05'));
    await zipBundle(path.join(dir, 'bundle'), b);
    expect(Buffer.compare(await readFile(a), await readFile(b))).toBe(0);
  });

  it('compresses the bundle', async () => {
    const bytes = await zipBundle(path.join(dir, 'bundle'), path.join(dir, 'c.zip'));
    expect(bytes).toBeLessThan(50 * 40);
  });
});
