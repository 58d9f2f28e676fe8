import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import HeavyFirstSequencer, { HEAVY_TEST_FILES, heavyFirst } from './heavy-first-sequencer.js';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('the heavy-first test order (vitest.config.ts)', () => {
  it('names test files that exist: a renamed file would start wherever its size puts it', () => {
    for (const file of HEAVY_TEST_FILES)
      expect({ file, exists: existsSync(path.join(root, file)) }).toEqual({ file, exists: true });
  });

  it('puts the heavy files first in their listed order and keeps the order of the others', () => {
    const [first, second] = HEAVY_TEST_FILES as [string, string];
    const sorted = ['test/a.test.ts', second, 'test/b.test.ts', first, 'test/c.test.ts'];
    expect(heavyFirst(sorted, (f) => f)).toEqual([
      first,
      second,
      'test/a.test.ts',
      'test/b.test.ts',
      'test/c.test.ts',
    ]);
  });

  it('as vitest calls it on a fresh clone: absolute paths, no timings, the rest largest first', async () => {
    // What vitest's BaseSequencer reads, and nothing more: no earlier run's results, file sizes.
    const [first, second] = HEAVY_TEST_FILES as [string, string];
    const sizes: Record<string, number> = {
      'test/small.test.ts': 1,
      [second]: 2,
      'test/large.test.ts': 5,
      [first]: 3,
    };
    const ctx = {
      config: { root },
      cache: {
        getFileTestResults: () => undefined,
        getFileStats: (key: string) => ({ size: sizes[key.slice(key.indexOf(':') + 1)] }),
      },
    };
    const project = { name: '', config: { root, isolate: true, sequence: { groupOrder: 0 } } };
    const specs = Object.keys(sizes).map((file) => ({ project, moduleId: path.join(root, file) }));
    const sequencer = new HeavyFirstSequencer(ctx as never);
    const order = (await sequencer.sort(specs as never)).map((s) => path.relative(root, s.moduleId));
    expect(order).toEqual([first, second, 'test/large.test.ts', 'test/small.test.ts']);
  });
});
