import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../tools/generator/index.js';
import { tempLake } from '../../lambda/support/orders.js';

// Each `ops` command loads the heavy packages its own step needs, when it runs it, not every
// target's and step's when the CLI starts: the AWS SDK, DuckDB, Arrow with parquet-wasm and
// Playwright took ~0.9 s and ~110 MB of every command before (docs/cli.md, "Start-up").
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const HEAVY = [
  '@aws-sdk',
  '@smithy',
  '@duckdb/node-api',
  'apache-arrow',
  'parquet-wasm',
  'playwright-core',
] as const;

/** The environment without the variables that point `ops` at a lake or target other than the test's. */
const cleanEnv = (log: string): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(STORE_SALES_|AWS_|TRINO_|ATHENA_)/.test(k)),
  ),
  IMPORT_LOG: log,
});

let lake: Awaited<ReturnType<typeof tempLake>>;
beforeAll(async () => {
  lake = await tempLake();
  await generateDataset({
    lake: lake.root,
    from: '2025-01',
    months: 1,
    ordersPerMonth: 50,
    seed: 3,
    force: false,
  });
});
afterAll(() => lake.cleanup());

/** Runs `ops …` and returns which of the heavy packages the process imported. */
function heavyImportsOf(...args: string[]): string[] {
  const log = path.join(lake.root, `imports-${args[0]}.log`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', './test/support/import-log.mjs', 'tools/ops.ts', ...args],
    { cwd: root, encoding: 'utf8', env: cleanEnv(log) },
  );
  expect(run.status, run.stderr).toBe(0);
  const urls = readFileSync(log, 'utf8');
  return HEAVY.filter((pkg) => urls.includes(`/node_modules/${pkg}/`));
}

describe('ops start-up: each command imports what its step uses', () => {
  it('--help imports none of the heavy packages', () => {
    expect(heavyImportsOf('--help')).toEqual([]);
  });

  it('etl imports Arrow and parquet-wasm, not DuckDB, the AWS SDK or Playwright', () => {
    expect(heavyImportsOf('etl', '--lake', lake.root, '--workers', '1')).toEqual([
      'apache-arrow',
      'parquet-wasm',
    ]);
  });

  it('crawl imports DuckDB only', () => {
    expect(heavyImportsOf('crawl', '--lake', lake.root)).toEqual(['@duckdb/node-api']);
  });
});
