import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AsyncZippable, zip } from 'fflate';

// A fixed timestamp and sorted entries make the archive a function of the files' bytes alone,
// so an unchanged bundle gives a byte-identical zip (and no Lambda update) on every synth.
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');
/** Regular file, rw-r--r--: Lambda's runtime user must be able to read every file. */
const UNIX_FILE_MODE = 0o100644;
const UNIX = 3;

/**
 * Zips the Lambda bundle folder (index.mjs, the Parquet worker, the wasm module) into one
 * deterministic archive, once per synth. Each stack then copies this file as its asset instead
 * of letting cdktf zip the folder again per stack, which cost about a second per stack.
 * Returns the archive size in bytes.
 */
export async function zipBundle(bundleDir: string, zipFile: string): Promise<number> {
  const names = (await readdir(bundleDir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(bundleDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  return zipFiles(bundleDir, names, zipFile);
}

/**
 * Zips the files `names` (paths relative to `root`, `/`-separated) into `zipFile`, sorted, with
 * a fixed mtime and mode: the same bytes give the same archive. Returns its size in bytes.
 */
export async function zipFiles(root: string, names: readonly string[], zipFile: string): Promise<number> {
  const files: AsyncZippable = {};
  for (const name of [...names].sort()) {
    files[name] = [
      new Uint8Array(await readFile(path.join(root, name))),
      { mtime: FIXED_MTIME, os: UNIX, attrs: (UNIX_FILE_MODE << 16) >>> 0 },
    ];
  }
  // The async API deflates each file in a worker thread: the two large files compress in parallel.
  const archive = await new Promise<Uint8Array>((resolve, reject) =>
    zip(files, { level: 6 }, (err, data) => (err ? reject(err) : resolve(data))),
  );
  await writeFile(zipFile, archive);
  return archive.byteLength;
}
