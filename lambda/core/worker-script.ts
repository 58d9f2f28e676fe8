import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = new Map<string, URL>();
const require = createRequire(import.meta.url);

/**
 * A TypeScript entry point as plain JavaScript that a worker thread or a child process can run:
 * bundled on the fly with esbuild (a dev dependency) into `node_modules/.cache/store-sales-etl/`,
 * packages left external. A worker running plain JS needs no TypeScript loader, whose hooks would
 * cost another thread and ~100 MB. The file name carries a hash of the bundle, so worktrees and
 * versions sharing one node_modules never run each other's code.
 */
export function workerScript(entry: URL): URL {
  const cached = built.get(entry.href);
  if (cached) return cached;
  const url = pathToFileURL(bundled(fileURLToPath(entry)).file);
  built.set(entry.href, url);
  return url;
}

/** How bundles are built: a bundle built another way (another esbuild) is not reused. */
const OPTIONS = {
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
} as const;

/** What a bundle was built from: each input file's SHA-256, by absolute path. */
interface BundleRecord {
  recipe: string;
  bundle: string;
  inputs: Record<string, string>;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * The bundle of `entryFile`: the last one built for it while every file it was built from still
 * has the same content (their hashes, in a record beside it), else a new one. Starting esbuild
 * and bundling took 100-150 ms for the ETL's worker (61 modules) against ~2 ms to hash them, on
 * every `ops etl` and `ops generate` with workers. `reused`: no bundling was needed.
 */
export function bundled(entryFile: string): { file: string; reused: boolean } {
  const dir = path.join(
    path.dirname(require.resolve('esbuild/package.json')),
    '..',
    '.cache',
    'store-sales-etl',
  );
  const name = path.basename(entryFile, '.ts');
  // one record per entry file: worktrees sharing node_modules keep theirs apart
  const recordFile = path.join(dir, `${name}-${sha256(entryFile).slice(0, 12)}.inputs.json`);
  const esbuild = (): typeof import('esbuild') => require('esbuild');
  const recipe = `${(require('esbuild/package.json') as { version: string }).version} ${JSON.stringify(OPTIONS)}`;
  const reusable = readRecord(recordFile);
  if (
    reusable?.recipe === recipe &&
    existsSync(path.join(dir, reusable.bundle)) &&
    Object.entries(reusable.inputs).every(([file, hash]) => hashOf(file) === hash)
  )
    return { file: path.join(dir, reusable.bundle), reused: true };
  const result = esbuild().buildSync({
    ...OPTIONS,
    entryPoints: [entryFile],
    absWorkingDir: path.dirname(entryFile),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const bundle = `${name}-${sha256(code).slice(0, 12)}.mjs`;
  const file = path.join(dir, bundle);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) writeAtomically(file, code);
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const abs = path.resolve(path.dirname(entryFile), input);
    inputs[abs] = hashOf(abs) ?? '';
  }
  writeAtomically(recordFile, JSON.stringify({ recipe, bundle, inputs } satisfies BundleRecord));
  return { file, reused: false };
}

function readRecord(file: string): BundleRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BundleRecord;
  } catch {
    return undefined; // none yet, or unreadable: bundle anew
  }
}

function hashOf(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, content: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}
