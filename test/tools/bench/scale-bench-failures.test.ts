import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchFailure } from '../../../tools/bench/bench-options.js';
import { checkTools, makeLake, timedStep } from '../../../tools/bench/scale-bench.js';

// `npm run bench scale` runs for minutes; what goes wrong must read as the step's own error, not
// as a Node stack trace, and a missing prerequisite must stop it before any work.
const root = path.resolve(import.meta.dirname, '..', '..', '..');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'scale-bench-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function bench(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/bench/run.ts', ...args],
      { cwd: root, env: { ...process.env, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

describe('the scale bench', () => {
  it('stops before generating anything when Chromium is missing', async () => {
    const missing = path.join(dir, 'no-chromium');
    const r = await bench(['scale', '--orders', '1200', '--lake', dir], { CHROMIUM_PATH: missing });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bench scale: no Chromium at ${missing}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).not.toContain('scale: 12 months'); // stopped before the first step
    expect(await readdir(dir)).toEqual([]);
  });

  it('bench parquet on a lake with nothing to measure says so in one line, without a stack', async () => {
    const empty = await mkdtemp(path.join(dir, 'no-parquet-'));
    const r = await bench(['parquet', '--lake', empty], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bench parquet: no raw and Parquet files in ${empty}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('names a missing GNU time, and passes when both tools are there', async () => {
    const missing = path.join(dir, 'no-time');
    await expect(checkTools(missing, process.execPath)).rejects.toThrow(
      new BenchFailure(
        `no GNU time at ${missing}, which measures each step: install time (apt-get install -y time)`,
      ),
    );
    await expect(checkTools(process.execPath, process.execPath)).resolves.toBeUndefined();
  });

  it("reports a failing step by its command and the step's own error, without time's lines", async () => {
    const empty = await mkdtemp(path.join(dir, 'empty-lake-'));
    const failure = await timedStep(['crawl'], empty).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(BenchFailure);
    const message = (failure as BenchFailure).message;
    expect(message).toMatch(/^`ops crawl` failed \(exit 1\):/);
    expect(message).toContain('error [NO_FACT_DATA]');
    expect(message).not.toMatch(/maxrss_kb|Command exited/);
  });

  it('makes its lake under --lake, creating that folder first; a parent it cannot use is named', async () => {
    const parent = path.join(dir, 'not-yet', 'there');
    const lake = await makeLake(parent);
    expect(path.dirname(lake)).toBe(parent);
    expect(path.basename(lake)).toMatch(/^store-sales-scale-/);
    expect((await stat(lake)).isDirectory()).toBe(true);
    const file = path.join(dir, 'a-file');
    await writeFile(file, '');
    await expect(makeLake(file)).rejects.toThrow(new RegExp(`^cannot make a lake under ${file}: EEXIST`));
  });

  it('measures a step that succeeds', async () => {
    const lake = await mkdtemp(path.join(dir, 'lake-'));
    const t = await timedStep(['generate', '--orders-per-month', '20', '--months', '1'], lake);
    expect(t.seconds).toBeGreaterThan(0);
    expect(t.maxRssMb).toBeGreaterThan(10);
    expect(t.cpuSeconds).toBeGreaterThan(0);
  });
});
