import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { generateCommand } from '../../../tools/commands/generate.js';
import { checkSpec, generateDataset, generateMonthOrders } from '../../../tools/generator/index.js';
import { parseCount } from '../../../tools/lib/count-option.js';
import { checkWorkers } from '../../../tools/lib/options.js';
import { tempLake } from './lake-fixture.js';

const ok = { from: '2025-01', months: 12, ordersPerMonth: 5000, seed: 42 };
const run = promisify(execFile);

/** Runs `ops <args>` as a user would; resolves with exit code and output even on failure. */
async function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'tools/ops.ts', ...args], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('bad input', () => {
  it.each([
    [{ months: 0 }, /--months must be a whole number/],
    [{ months: 1.5 }, /--months/],
    [{ from: '2025-13' }, /--from must be a month as YYYY-MM/],
    [{ from: '25-01' }, /--from must be a month/],
    [{ from: '2023-12' }, /before the simulated store opened \(2024-01\)/],
    [{ ordersPerMonth: -5 }, /--orders-per-month must be a whole number/],
    [{ ordersPerMonth: 10.5 }, /--orders-per-month/],
    [{ ordersPerMonth: Number.NaN }, /--orders-per-month/],
    [{ seed: 1.5 }, /--seed must be a whole number/],
    [{ seed: -1 }, /--seed/],
    [{ from: '2099-06', months: 12 }, /reaches 2100-05; the last month must have ended/],
  ])('rejects %o with BAD_OPTION naming the flag', (change, message) => {
    expect(() => checkSpec({ ...ok, ...change })).toThrow(message);
    expect(() => checkSpec({ ...ok, ...change })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });

  it('accepts months up to the last complete one and refuses the current, unfinished month', () => {
    const now = Date.parse('2026-03-15T12:00:00Z');

    expect(checkSpec({ ...ok, from: '2026-02', months: 1 }, now)).toEqual({
      first: 2026 * 12 + 1,
      last: 2026 * 12 + 1,
    });
    expect(() => checkSpec({ ...ok, from: '2026-02', months: 2 }, now)).toThrow(
      /reaches 2026-03; .* \(before 2026-03\)/,
    );
  });

  it('accepts the defaults and a seed above 2^32', () => {
    expect(checkSpec({ ...ok, seed: 2 ** 40 })).toEqual({ first: 2025 * 12, last: 2025 * 12 + 11 });
  });

  it('rejects a population that would outgrow 7-digit customer ids, before writing', async () => {
    const lake = await tempLake();

    const attempt = generateDataset({ ...ok, lake, ordersPerMonth: 3_000_000, months: 1, force: false });

    await expect(attempt).rejects.toMatchObject({ code: 'TOO_MANY_CUSTOMERS' });
    expect(await readdir(lake)).toEqual([]);
  });

  it('refuses months the FX table has no rates for (the ETL would quarantine them), unless the lake adds them', async () => {
    const lake = await tempLake();
    const late = { ...ok, lake, from: '2025-11', months: 4, ordersPerMonth: 20, force: false };

    const refused = await generateDataset(late).catch((err: unknown) => err);

    expect(refused).toMatchObject({
      code: 'NO_FX_RATES',
      message: expect.stringContaining('2026-01 (GBP, EUR, CAD, INR), 2026-02 (GBP, EUR, CAD, INR)'),
      hint: expect.stringContaining('2024-01 to 2025-12'),
    });
    expect((refused as Error).message).not.toContain('2025-12');
    expect(await readdir(lake)).toEqual([]);
    // the lake's reference file fills the gap for one currency of one month: still refused for the rest
    await mkdir(path.join(lake, 'reference'));
    const rows = (month: string) => ['GBP', 'EUR', 'CAD', 'INR'].map((c) => `${month},${c},1.000000`);
    await writeFile(
      path.join(lake, 'reference', 'fx_rates.csv'),
      ['month,currency,rate_to_usd', '2026-01,EUR,1.1'].join('\n'),
    );
    await expect(generateDataset(late)).rejects.toThrow(/2026-01 \(GBP, CAD, INR\), 2026-02/);
    await writeFile(
      path.join(lake, 'reference', 'fx_rates.csv'),
      ['month,currency,rate_to_usd', ...rows('2026-01'), ...rows('2026-02')].join('\n'),
    );
    await expect(generateDataset(late)).resolves.toMatchObject({
      files: expect.arrayContaining([expect.stringContaining('orders_2026_02')]),
    });
  });

  it('streams only months inside the spec', () => {
    expect(() => [...generateMonthOrders({ ...ok, months: 1 }, 2025, 2)]).toThrow(/outside the dataset/);
  });
});

describe('counts as typed', () => {
  it.each([
    ['5000', 5000],
    ['5_000', 5000],
    ['5k', 5000],
    ['5K', 5000],
    ['0.3k', 300],
    ['1.5M', 1_500_000],
    ['1.25m', 1_250_000],
    [20000, 20000],
  ])('reads %o as %d', (typed, value) => {
    expect(parseCount('--orders-per-month', typed, { suffixes: true })).toBe(value);
  });

  it.each(['5kb', 'k', '1.2345k', 'five', '', '5e3', '1.5'])(
    'refuses %o saying what is expected',
    (typed) => {
      const attempt = () => parseCount('--orders-per-month', typed, { suffixes: true });
      expect(attempt).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
      expect(attempt).toThrow(
        `--orders-per-month must be a whole number, e.g. 5000, 5k or 1.5M (got "${typed}")`,
      );
    },
  );

  it('takes suffixes only where they are allowed, and a flag given once', () => {
    expect(() => parseCount('--seed', '5k')).toThrow('--seed must be a whole number, e.g. 42 (got "5k")');
    expect(() => parseCount('--months', ['1', '2'])).toThrow(/--months was given 2 times/);
  });

  it('says a negative count is negative, and an unreadable --workers without echoing NaN', () => {
    expect(() => parseCount('--seed', '-1')).toThrow('--seed cannot be negative (got "-1")');
    expect(() => parseCount('--orders-per-month', '-5k', { suffixes: true })).toThrow(
      '--orders-per-month cannot be negative (got "-5k")',
    );
    expect(() => checkWorkers(Number.NaN, 'etl')).toThrow(/^--workers must be a whole number ≥ 1, e\.g\. 2$/);
    expect(() => checkWorkers(0, 'etl')).toThrow(/^--workers must be a whole number ≥ 1, got 0$/);
    expect(checkWorkers(3, 'etl')).toBe(3);
  });
});

// Spawning the real CLI loads every command (DuckDB, charts…): two runs, side by side.
describe.concurrent('ops generate', () => {
  it('prints one line on stderr, exits non-zero and writes nothing on bad input', async () => {
    const lake = await tempLake();

    const r = await ops('generate', '--lake', lake, '--seed', 'x');

    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error \[BAD_OPTION\]: --seed must be a whole number/);
    expect(await readdir(lake)).toEqual([]);
  });

  it('refuses a count it cannot read, saying what it expects', async () => {
    const r = await ops('generate', '--lake', await tempLake(), '--orders-per-month', '5kb');

    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error \[BAD_OPTION\]: --orders-per-month must be a whole number, e\.g\. 5000, 5k or 1\.5M \(got "5kb"\)/,
    );
    expect(r.stderr).not.toMatch(/NaN/);
  });

  it('writes the files, then says truthfully that a second run wrote nothing', async () => {
    const lake = await tempLake();
    const args = [
      'generate',
      '--lake',
      lake,
      '--from',
      '2025-11',
      '--months',
      '2',
      '--orders-per-month',
      '0.3k',
    ];

    const r = await ops(...args);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^generate: 2 file\(s\) written, 0 unchanged; [\d,]+ orders/);
    expect(r.stdout).toMatch(/written\s+2/);
    expect(r.stdout).toContain(path.join(lake, 'raw/store_sales/'));
    // below 20,000 orders the months are generated in this process: no worker line
    expect(r.stdout).not.toMatch(/worker processes/);
    expect(await readdir(path.join(lake, 'raw/store_sales'))).toEqual([
      'orders_2025_11.json',
      'orders_2025_12.json',
    ]);

    // checked again in two worker processes, whose CPU and peak RSS the summary names
    const again = await ops(...args, '--workers', '2');
    expect(again.stdout).toMatch(/^generate: 0 file\(s\) written, 2 unchanged;/);
    expect(again.stdout).not.toMatch(/generated/);
    expect(again.stdout).toMatch(
      /\n {2}worker processes {2}2, peak RSS of the busiest [1-9]\d* MiB, CPU \d+\.\d s\n/,
    );
  });
});

describe('ops generate --help', () => {
  it('explains that --orders-per-month is an average and months vary with seasonality', async () => {
    const help = await new Promise<string>((resolve) => {
      yargs()
        .command(generateCommand)
        .exitProcess(false)
        .parse(['generate', '--help'], {}, (_err, _argv, output) => resolve(output));
    });

    expect(help).toMatch(/average orders per month/);
    expect(help).toMatch(/seasonality/);
    expect(help).toMatch(/--force/);
  });
});
