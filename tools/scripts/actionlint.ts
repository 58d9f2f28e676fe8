import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../lib/cache-root.js';

/**
 * Lints the GitHub workflows with a pinned actionlint, built with `go install` into a per-user
 * cache the first time (the Go module proxy is the only network it needs). Usage:
 * `tsx tools/scripts/actionlint.ts [workflow files…]` (default: .github/workflows/*.yml).
 */
export const ACTIONLINT_VERSION = 'v1.7.7';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Path of the pinned actionlint binary, installing it first if needed; throws with the fix. */
export function ensureActionlint(): string {
  const bin = path.join(cacheRoot(), `actionlint-${ACTIONLINT_VERSION}`);
  const exe = path.join(bin, 'actionlint');
  if (existsSync(exe)) return exe;
  const res = spawnSync(
    'go',
    ['install', `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`],
    {
      env: { ...process.env, GOBIN: bin },
      encoding: 'utf8',
    },
  );
  if (res.error || res.status !== 0) {
    throw new Error(
      `cannot install actionlint ${ACTIONLINT_VERSION} with \`go install\` ` +
        `(${res.error?.message ?? res.stderr.trim()}): install Go >= 1.22 and reach the Go module proxy`,
    );
  }
  return exe;
}

/** Runs actionlint on the files; returns its exit code and output (problems, one per line). */
export function actionlint(files: string[]): { code: number; output: string } {
  const res = spawnSync(ensureActionlint(), ['-no-color', ...files], { cwd: root, encoding: 'utf8' });
  return { code: res.status ?? 1, output: `${res.stdout}${res.stderr}` };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { code, output } = actionlint(process.argv.slice(2));
  process.stdout.write(output);
  process.exit(code);
}
