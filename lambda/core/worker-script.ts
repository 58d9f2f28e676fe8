import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = new Map<string, URL>();

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
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as typeof import('esbuild');
  const entryFile = fileURLToPath(entry);
  const result = esbuild.buildSync({
    entryPoints: [entryFile],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const dir = path.join(
    path.dirname(require.resolve('esbuild/package.json')),
    '..',
    '.cache',
    'store-sales-etl',
  );
  const file = path.join(dir, `${path.basename(entryFile, '.ts')}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  const url = pathToFileURL(file);
  built.set(entry.href, url);
  return url;
}
