import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = new Map<string, URL>();
const require = createRequire(import.meta.url);

/**
 * A TypeScript entry point as plain JavaScript that a worker thread or a child process can run:
 * bundled on the fly with esbuild (a dev dependency) into `node_modules/.cache/store-sales-etl/`,
 * with the packages it imports. A worker running plain JS needs no TypeScript loader, whose hooks
 * would cost another thread and ~100 MB. The file name carries a hash of the bundle, so worktrees
 * and versions sharing one node_modules never run each other's code.
 */
export function workerScript(entry: URL): URL {
  const cached = built.get(entry.href);
  if (cached) return cached;
  const url = pathToFileURL(bundled(fileURLToPath(entry)).file);
  built.set(entry.href, url);
  return url;
}

/**
 * Bundled CommonJS dependencies still call require() for Node built-ins, which an ES module lacks:
 * the bundle defines it (the Lambda's bundle too, lambda/build.ts).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * How bundles are built: a bundle built another way (another esbuild) is not reused. Packages
 * are bundled in: Node loads an ES module package file by file, and loading apache-arrow's ~250
 * modules and zod's that way made an `ops etl` worker ready for its first file ~230 ms later
 * than from one bundle (docs/scale.md, "Worker processes start from one bundle"). parquet-wasm's
 * bundled code finds its `.wasm` file in the package (parquet-wasm.ts).
 */
const OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: ESM_REQUIRE_BANNER },
} as const;

/** What a bundle was built from: each input file's SHA-256, by absolute path. */
interface BundleRecord {
  recipe: string;
  bundle: string;
  inputs: Record<string, string>;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Where bundles and their records are kept (a function: the Lambda's bundle has no esbuild). */
const cacheDir = (): string =>
  path.join(path.dirname(require.resolve('esbuild/package.json')), '..', '.cache', 'store-sales-etl');

/**
 * The bundle of `entryFile`: the last one built for it while every file it was built from still
 * has the same content (their hashes, in a record beside it), else a new one. Starting esbuild
 * and bundling took 100-150 ms for the ETL's worker (61 modules; ~370 ms since its packages are
 * bundled too, 309 files) against ~3 ms to hash them (~12 ms), on every `ops etl` and `ops
 * generate` with workers. The files are the modules esbuild read (the packages' too: a package
 * that `npm ci` upgraded is bundled anew) and the nearest tsconfig.json and package.json (they
 * change what it writes). A bundle whose files changed while it was built (an input's mtime after
 * the build began) gets no record: the next call builds again. `reused`: no bundling was needed.
 * `dir`: the cache (tests give their own).
 */
export function bundled(entryFile: string, dir = cacheDir()): { file: string; reused: boolean } {
  const name = path.basename(entryFile, '.ts');
  // one record per entry file: worktrees sharing node_modules keep theirs apart
  const recordFile = path.join(dir, `${name}-${sha256(entryFile).slice(0, 12)}.inputs.json`);
  const recipe = `${(require('esbuild/package.json') as { version: string }).version} ${JSON.stringify(OPTIONS)}`;
  const reusable = readRecord(recordFile);
  if (
    reusable?.recipe === recipe &&
    existsSync(path.join(dir, reusable.bundle)) &&
    Object.entries(reusable.inputs).every(([file, hash]) => hashOf(file) === hash)
  )
    return { file: path.join(dir, reusable.bundle), reused: true };
  // file times come from a coarse clock, up to a few ms behind Date.now()
  const began = Date.now() - 20;
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
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
  const inputs = [
    ...Object.keys(result.metafile.inputs).map((input) => path.resolve(path.dirname(entryFile), input)),
    ...['tsconfig.json', 'package.json'].flatMap((config) => nearest(config, path.dirname(entryFile)) ?? []),
  ];
  if (inputs.every((input) => (mtimeOf(input) ?? Number.POSITIVE_INFINITY) < began)) {
    const hashes = Object.fromEntries(inputs.map((input) => [input, hashOf(input) ?? '']));
    writeAtomically(recordFile, JSON.stringify({ recipe, bundle, inputs: hashes } satisfies BundleRecord));
    // the bundle this one replaces (~1.5 MB with its packages) would otherwise stay forever; a
    // checkout that still had it bundles again on its next run
    if (reusable && reusable.bundle !== bundle) rmSync(path.join(dir, reusable.bundle), { force: true });
  }
  return { file, reused: false };
}

/** The file `name` in `from` or the closest folder above it. */
function nearest(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, name))) return path.join(dir, name);
    if (path.dirname(dir) === dir) return undefined;
  }
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
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
