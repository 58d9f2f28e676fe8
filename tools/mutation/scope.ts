import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What mutation testing mutates (keep in step with `mutate` in stryker.config.mjs; a test checks
 * that they agree) and the fixed CI sample used when a change touches none of it.
 */
export const MUTATED_FOLDERS = ['lambda/core', 'contracts', 'tools/exports'] as const;

/** Runs inside a worker thread, where the mutant switch of the test process does not reach. */
export const NOT_MUTATED = ['lambda/core/parquet-worker.ts'] as const;

/**
 * The CI sample: where planted bugs once slipped through, the FX month clamp and the money
 * rounding (`toUsdCents`, lines 14-38 of money.ts; the Int64/Int128 writers below it are the
 * Parquet tests' business), against their own unit tests: about 60 mutants, what fits in CI's
 * 3 minutes on a loaded 2-core machine.
 */
export const CI_SAMPLE = ['lambda/core/fx-rates.ts', 'lambda/core/money.ts:14-38'] as const;

/** Test files too slow to run once per mutant (see vitest.mutation.config.ts). */
export const SLOW_TESTS = ['test/lambda/core/process-source-at-scale.test.ts'] as const;

/** A mutate entry without its line range: `lambda/core/money.ts:14-38` -> `lambda/core/money.ts`. */
export const fileOf = (entry: string): string => entry.replace(/:[\d:-]+$/, '');

/** Whether `file` (relative, `/`-separated) is TypeScript that `npm run mutation` mutates. */
export function isMutated(file: string): boolean {
  return (
    file.endsWith('.ts') &&
    !file.endsWith('.d.ts') &&
    MUTATED_FOLDERS.some((f) => file.startsWith(`${f}/`)) &&
    !(NOT_MUTATED as readonly string[]).includes(file)
  );
}

/** Every `*.test.ts` under `dir` (relative to `root`), `/`-separated. */
function testFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...testFiles(root, rel));
    else if (e.name.endsWith('.test.ts')) out.push(rel);
  }
  return out;
}

/** The relative module specifiers (`'./x.js'`, `'../../lambda/core/money.js'`) a file imports. */
const relativeImports = (source: string): string[] =>
  [...source.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);

/**
 * The in-process test files under test/ that import any of `files` directly, the slow ones left
 * out: a mutant of a file is run against the tests written for it.
 */
export function testsImporting(root: string, files: readonly string[]): string[] {
  const wanted = new Set(files);
  return testFiles(root, 'test')
    .filter((t) => !(SLOW_TESTS as readonly string[]).includes(t))
    .filter((t) =>
      relativeImports(readFileSync(path.join(root, t), 'utf8')).some((spec) => {
        const target = path.posix.join(path.posix.dirname(t), spec).replace(/\.js$/, '.ts');
        return wanted.has(target);
      }),
    )
    .sort();
}
