import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Real StrykerJS on a fixture (test/support/mutation-hook-fixture): a function whose value one
// test checks after a beforeAll hook computed it, and which another test reaches without
// checking. With the mutation configs' hook coverage (test/support/mutation-hook-coverage.ts)
// every mutant of the function is killed; without it they survive, run against the unchecking
// test only. ~15 s a run.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'hook-coverage-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function mutantStatuses(withHookCoverage: boolean): string[] {
  const report = path.join(work, `report-${withHookCoverage}.json`);
  const config = path.join(work, `stryker-${withHookCoverage}.config.mjs`);
  writeFileSync(
    config,
    `export default ${JSON.stringify({
      testRunner: 'vitest',
      vitest: { configFile: 'test/support/mutation-hook-fixture/vitest.config.ts' },
      mutate: ['test/support/mutation-hook-fixture/basket.ts'],
      coverageAnalysis: 'perTest',
      ignoreStatic: true,
      concurrency: 1,
      reporters: ['json'],
      jsonReporter: { fileName: report },
      ignorePatterns: ['.venv*', 'dbt', 'lake', 'cdktf.out', 'reports', 'test-artifacts', 'dashboards'],
      tempDirName: '.stryker-tmp',
      cleanTempDir: 'always',
    })};\n`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (withHookCoverage) delete env.MUTATION_NO_HOOK_COVERAGE;
  else env.MUTATION_NO_HOOK_COVERAGE = '1';
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'stryker'), ['run', config], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`stryker failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  const files = (
    JSON.parse(readFileSync(report, 'utf8')) as { files: Record<string, { mutants: { status: string }[] }> }
  ).files;
  return Object.values(files).flatMap((f) => f.mutants.map((m) => m.status));
}

describe('mutation hook coverage', () => {
  it('runs a mutant against the tests whose beforeAll reached it, which kill it', {
    timeout: 180_000,
  }, () => {
    const statuses = mutantStatuses(true);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s !== 'Killed' && s !== 'Timeout')).toEqual([]);
  });

  it('without it, those mutants survive (what Stryker alone does)', { timeout: 180_000 }, () => {
    expect(mutantStatuses(false)).toContain('Survived');
  });
});
