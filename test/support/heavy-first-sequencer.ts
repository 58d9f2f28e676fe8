import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take a minute or more on two cores, longest first (`npm test` of a fresh-clone
 * CI run, 2026-12-05, two at a time: 362, 306, 204, 172, 101, 87, 72, 64 and 61 s). Without
 * vitest's timings of an earlier run (a fresh clone has none) it starts the largest files first,
 * and files this long started last keep one worker busy after the others finished; started
 * first, they overlap the many short files.
 */
export const HEAVY_TEST_FILES = [
  'test/dbt/dbt-test-scope.test.ts',
  'test/trino/trino-target.test.ts',
  'test/stacks/terraform-moto.test.ts',
  'test/dbt/dbt-incremental.test.ts',
  'test/trino/trino-target-s3.test.ts',
  'test/tools/commands/refresh.test.ts',
  'test/dbt/dbt-compile-athena.test.ts',
  'test/lambda/core/id-scale.test.ts',
  'test/trino/trino-marts-ties.test.ts',
];

/** `sorted` with the heavy files (by their path from the root) first, in the list's order; the others keep theirs. */
export function heavyFirst<T>(sorted: T[], relativePath: (item: T) => string): T[] {
  const rank = (item: T) => {
    const i = HEAVY_TEST_FILES.indexOf(relativePath(item).split(path.sep).join('/'));
    return i < 0 ? HEAVY_TEST_FILES.length : i;
  };
  return sorted
    .map((item, at) => ({ item, at, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.at - b.at)
    .map((s) => s.item);
}

/** Vitest's order (failed first, then longest or largest first), the heavy files ahead of it. */
export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return heavyFirst(await super.sort(files), (spec) =>
      path.relative(spec.project.config.root, spec.moduleId),
    );
  }
}
