import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
// Registered when a test file imports this module (hooks added while a test runs are ignored).
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary lake folder, removed after the test file. */
export async function tempLake(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gen-lake-'));
  made.push(dir);
  return dir;
}

export const rawDir = (lake: string): string => path.join(lake, 'raw', 'store_sales');

/** File name -> content of every file (hidden temp files included) in the lake's raw folder. */
export async function rawFiles(lake: string): Promise<Map<string, Buffer>> {
  const names = await readdir(rawDir(lake)).catch(() => [] as string[]);
  const files = new Map<string, Buffer>();
  for (const name of names.sort()) files.set(name, await readFile(path.join(rawDir(lake), name)));
  return files;
}
