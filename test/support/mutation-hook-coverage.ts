import { afterAll, beforeAll, inject } from 'vitest';

/**
 * Vitest setup file of mutation runs only (vitest.mutation.config.ts): credits the code that a
 * test file's hooks run to that file's tests.
 *
 * Stryker learns which tests cover a mutant in its dry run, from the test running when the
 * mutated code executes (its own setup file sets `currentTestId` around each test). Code run by a
 * `beforeAll` hook runs outside every test, so Stryker counts it as "static" coverage; with
 * `ignoreStatic` (stryker.config.mjs) a mutant covered that way is then run against the other
 * tests that reach it, never against the file whose `beforeAll` ran it. The golden flattening test
 * (test/lambda/core/fact-batches.test.ts) loads its order in a `beforeAll`: the mutants of the
 * per-order sums in fact-batches.ts survived although that test catches each of them.
 *
 * Here, in the dry run, code that runs between a file's first and last hook and outside a test
 * is recorded under a key of the file's own, and the file's last hook adds those hits to every
 * test of the file that ran. Such a mutant is then run against the whole file, whose hooks run
 * with it active. Code run while a module is imported stays static, as Stryker means it.
 */

type Hits = Record<string, number>;
interface StrykerNamespace {
  currentTestId?: string;
  mutantCoverage?: { static: Hits; perTest: Record<string, Hits> };
}
interface FileState {
  /** The coverage key of the running file's hooks; undefined between files. */
  outside: string | undefined;
  /** The ids of the file's tests that ran, as Stryker set them. */
  tests: Set<string>;
}

const STATE = Symbol.for('store-sales.mutation-hook-coverage');
// `inject` knows only the keys this project declares: Stryker's runner provides these two.
const provided = inject as unknown as (key: string) => unknown;
const namespaceName = provided('globalNamespace');

/** Stryker's namespace with `currentTestId` falling back to the file's key outside tests. */
function instrument(ns: StrykerNamespace & { [STATE]?: FileState }): FileState {
  const existing = ns[STATE];
  if (existing) return existing; // files share one namespace (isolate: false)
  const state: FileState = { outside: undefined, tests: new Set() };
  let current = ns.currentTestId;
  Object.defineProperty(ns, 'currentTestId', {
    configurable: true,
    get: () => current ?? state.outside,
    set: (id: string | undefined) => {
      current = id;
      if (id !== undefined) state.tests.add(id);
    },
  });
  ns[STATE] = state;
  return state;
}

if (typeof namespaceName === 'string' && provided('mode') === 'dry-run') {
  const scope = globalThis as Record<string, unknown>;
  if (!scope[namespaceName]) scope[namespaceName] = {};
  const ns = scope[namespaceName] as StrykerNamespace;
  const state = instrument(ns);

  beforeAll(() => {
    state.outside = `outside-tests:${Math.random()}`;
    state.tests = new Set();
  });

  afterAll(() => {
    const { outside } = state;
    state.outside = undefined;
    const perTest = ns.mutantCoverage?.perTest;
    const hits = outside ? perTest?.[outside] : undefined;
    if (!perTest || !outside || !hits) return;
    delete perTest[outside];
    for (const test of state.tests) {
      const own = perTest[test] ?? {};
      for (const [mutant, count] of Object.entries(hits)) own[mutant] = (own[mutant] ?? 0) + count;
      perTest[test] = own;
    }
  });
}
