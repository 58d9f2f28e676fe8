import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAVY_TEST_FILES, heavyFirst } from './heavy-first-sequencer.js';

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
});
