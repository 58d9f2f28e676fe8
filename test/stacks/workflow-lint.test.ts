import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionlint } from '../../tools/scripts/actionlint.js';

const workflow = path.resolve(import.meta.dirname, '../../.github/workflows/ci.yml');

describe('GitHub workflow lint (pinned actionlint)', () => {
  it('finds no problem in ci.yml', () => {
    const { code, output } = actionlint([workflow]);
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 300_000);

  it('reports a job timeout that is not a number, so the clean result above means something', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'actionlint-'));
    try {
      const broken = path.join(dir, 'broken.yml');
      const text = await readFile(workflow, 'utf8');
      await writeFile(broken, text.replace('timeout-minutes: 30', 'timeout-minutes: thirty'));
      const { code, output } = actionlint([broken]);
      expect(code).not.toBe(0);
      expect(output).toMatch(/broken\.yml:\d+:\d+:/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
