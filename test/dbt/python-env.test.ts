import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLogged, venvBin } from '../../tools/scripts/ensure-python.js';

const minor = (version: string): string => version.split('.').slice(0, 2).join('.');

describe('the dbt Python environment', () => {
  it("runs the same DuckDB minor version as the Node side, so both open each other's warehouse", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const node = pkg.dependencies['@duckdb/node-api'] as string;

    const res = spawnSync(venvBin('dbt', 'python'), ['-c', 'import duckdb; print(duckdb.__version__)'], {
      encoding: 'utf8',
    });

    expect(res.status).toBe(0);
    expect(minor(res.stdout.trim())).toBe(minor(node));
  });

  it('pins dbt-core and the three adapters to exact versions', async () => {
    const requirements = await readFile(new URL('../../requirements/dbt.txt', import.meta.url), 'utf8');

    for (const name of ['dbt-core', 'dbt-duckdb', 'dbt-athena', 'dbt-trino', 'duckdb']) {
      expect(requirements).toMatch(new RegExp(`^${name}==\\d+\\.\\d+\\.\\d+$`, 'm'));
    }
  });
});

describe('creating a Python environment', () => {
  it('keeps the tools output in a log file and names it when a step fails', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'python-env-log-'));
    const log = path.join(dir, '.venv.log');
    try {
      const attempt = () =>
        runLogged('sh', ['-c', 'echo collecting dbt-core; echo no such version >&2; exit 3'], log);

      await expect(attempt()).rejects.toThrow(
        /failed \(exit 3\); full log: .*\.venv\.log\n[\s\S]*no such version/,
      );
      await expect(attempt()).rejects.toThrow(/npm run setup:python/);
      expect(await readFile(log, 'utf8')).toMatch(/^\$ sh -c .*\ncollecting dbt-core\nno such version\n/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
