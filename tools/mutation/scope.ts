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
 * The CI sample: where planted bugs once slipped through, the FX month lookup and the money
 * rounding (`toUsdCents`, lines 14-38 of money.ts; the Int64/Int128 writers below it are the
 * Parquet tests' business), against their own unit tests: about 60 mutants, what fits in CI's
 * 3 minutes on a loaded 2-core machine.
 */
export const CI_SAMPLE = ['lambda/core/fx-rates.ts', 'lambda/core/money.ts:14-27'] as const;

/** Test files too slow to run once per mutant (see vitest.mutation.config.ts). */
export const SLOW_TESTS = ['test/lambda/core/process-source-at-scale.test.ts'] as const;

/** A mutate entry without its line range: `lambda/core/money.ts:14-27` -> `lambda/core/money.ts`. */
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

/**
 * Where the in-process tests of the mutated folders live (vitest.mutation.config.ts runs these):
 * the integration suites elsewhere (dbt, moto, Trino, the oracle end to end) take minutes each.
 */
export const FAST_TEST_PREFIXES = [
  'test/lambda/core/',
  'test/lambda/s3-event-handler.test.ts',
  'test/contracts/',
  'test/tools/exports/',
  'test/tools/generator/contract.test.ts',
  'test/sql/views-on-duckdb.test.ts',
] as const;

/** Every file under `dir` (relative to `root`) whose name ends with `suffix`, `/`-separated. */
function filesUnder(root: string, dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...filesUnder(root, rel, suffix));
    else if (e.name.endsWith(suffix)) out.push(rel);
  }
  return out;
}

/** The relative module specifiers (`'./x.js'`, `'../../lambda/core/money.js'`) a file imports. */
const relativeImports = (source: string): string[] =>
  [...source.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);

/** Whether the file `from` imports one of `targets` through a relative specifier. */
function importsAny(root: string, from: string, targets: ReadonlySet<string>): boolean {
  return relativeImports(readFileSync(path.join(root, from), 'utf8')).some((spec) =>
    targets.has(path.posix.join(path.posix.dirname(from), spec).replace(/\.js$/, '.ts')),
  );
}

/** Every file `npm run mutation` mutates, folder by folder (MUTATED_FOLDERS' order), sorted within. */
export function mutatedFiles(root: string): string[] {
  return MUTATED_FOLDERS.flatMap((f) => filesUnder(root, f, '.ts').sort()).filter(isMutated);
}

/**
 * The fast tests (FAST_TEST_PREFIXES, the slow ones left out) that import any of `files`; for a
 * file no such test imports, the fast tests of the modules of lambda/ and tools/exports/ that
 * import it (a contract is tested through the code that uses it). A mutant of a file is run
 * against the tests written for it or its callers.
 */
export function testsImporting(root: string, files: readonly string[]): string[] {
  const fast = filesUnder(root, 'test', '.test.ts').filter(
    (t) => FAST_TEST_PREFIXES.some((p) => t.startsWith(p)) && !(SLOW_TESTS as readonly string[]).includes(t),
  );
  const callers = [...filesUnder(root, 'lambda', '.ts'), ...filesUnder(root, 'tools/exports', '.ts')];
  const found = new Set<string>();
  for (const file of files) {
    const direct = fast.filter((t) => importsAny(root, t, new Set([file])));
    const users = new Set(callers.filter((c) => importsAny(root, c, new Set([file]))));
    const tests = direct.length ? direct : fast.filter((t) => importsAny(root, t, users));
    for (const t of tests) found.add(t);
  }
  return [...found].sort();
}
