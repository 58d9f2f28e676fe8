import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { venvBin } from '../../tools/scripts/ensure-python.js';

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
