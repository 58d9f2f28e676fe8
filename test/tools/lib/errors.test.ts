import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OpsError } from '../../../contracts/ops-error.js';
import { flagArgument, formatError } from '../../../tools/lib/errors.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** `ops <args>` in a child process, which must fail with exit status 1: its stderr. */
async function failingOps(args: string[]): Promise<{ stderr: string }> {
  const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/ops.ts', ...args], {
    cwd: root,
  }).catch((e: { code: number; stderr: string }) => e);
  expect(failure).toMatchObject({ code: 1 });
  return failure as { stderr: string };
}

describe('the CLI error line', () => {
  const err = new OpsError(
    'NO_MARTS',
    'cannot read the dbt marts',
    'run `npx ops transform` (dbt build) first',
  );

  it('passes the --lake the command was given in every command its hint names, so each runs as typed', () => {
    expect(formatError(err, { lake: '/tmp/x' })).toBe(
      'error [NO_MARTS]: cannot read the dbt marts\n  hint: run `npx ops transform --lake /tmp/x` (dbt build) first',
    );
    expect(formatError(err)).toBe(
      'error [NO_MARTS]: cannot read the dbt marts\n  hint: run `npx ops transform` (dbt build) first',
    );
    // each command, even where the hint speaks of --lake outside them; a lake a shell would split is quoted
    const named = new OpsError(
      'NO_FACT_DATA',
      'no facts',
      'run `npx ops generate` and `npx ops etl` first (or pass the right --lake)',
    );
    expect(formatError(named, { lake: "/tmp/it's mine" })).toMatch(
      /hint: run `npx ops generate --lake '\/tmp\/it'\\''s mine'` and `npx ops etl --lake '\/tmp\/it'\\''s mine'` first \(or pass the right --lake\)$/,
    );
    // and the target, unless local, except in commands that run locally whatever the target
    const steps = new OpsError('NO_DATA', 'no orders', 'run `npx ops generate` then `npx ops pipeline`');
    expect(formatError(steps, { lake: '/tmp/x', target: 'aws' })).toMatch(
      /hint: run `npx ops generate --lake \/tmp\/x` then `npx ops pipeline --target aws --lake \/tmp\/x`$/,
    );
    expect(formatError(steps, { target: 'local' })).toMatch(
      /hint: run `npx ops generate` then `npx ops pipeline`$/,
    );
    // a command with a lake of its own, or a hint that names none, is left as it is
    const given = new OpsError('STALE', 'old marts', 'run `npx ops transform --lake /tmp/y`');
    expect(formatError(given, { lake: '/tmp/x' })).toMatch(/`npx ops transform --lake \/tmp\/y`$/);
    const plain = new OpsError('LOCKED', 'the warehouse is in use', 'wait for the other command');
    expect(formatError(plain, { lake: '/tmp/x' })).toMatch(/hint: wait for the other command$/);
  });

  it('gives a file-system refusal a code and a hint, and any other error one line without colour codes', async () => {
    const notDir = await readdir('/etc/hostname').catch((e: unknown) => e);

    expect(formatError(notDir)).toBe(
      "error [FILE_SYSTEM]: ENOTDIR: not a directory, scandir '/etc/hostname'\n  hint: a path that must be a folder is a file: check --lake, --out and --from",
    );
    expect(
      formatError(new Error('\u001b[31mbrowserType.launch: failed\u001b[39m\nCall log:\n  - <launching>')),
    ).toBe('error: browserType.launch: failed');
    expect(formatError(new Error('\n  first words\nmore'))).toBe('error: first words');
  });

  it('leaves a hint about --help alone, and reads --lake DIR, --lake=DIR and --target', () => {
    const usage = new OpsError('BAD_USAGE', 'Unknown argument: x', '`npx ops --help` lists the commands');
    expect(formatError(usage, { lake: '/tmp/x' })).not.toContain('--lake');
    expect(flagArgument(['etl', '--lake', '--force'], 'lake')).toBeUndefined();
    expect(flagArgument(['etl', '--lake', '/a'], 'lake')).toBe('/a');
    expect(flagArgument(['etl', '--lake=/b', '--force'], 'lake')).toBe('/b');
    expect(flagArgument(['etl', '--force'], 'lake')).toBeUndefined();
    expect(flagArgument(['crawl', '--lake', '/a', '--target=aws'], 'target')).toBe('aws');
  });

  it.each([
    [['frobnicate'], 'no command "frobnicate"'],
    [['--lake', 'x', 'gen'], 'no command "gen" (did you mean `npx ops generate`?)'],
    [['etl', 'extra'], 'Unknown argument: extra'],
  ])("gives yargs' own refusals a code and a hint, on one line: %j", async (args, message) => {
    const failure = await failingOps(args);

    const lines = failure.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `error [BAD_USAGE]: ${message}`,
      '  hint: `npx ops --help` lists the commands, `npx ops <command> --help` their options',
    ]);
  });

  it.each([
    [['etl', '--lake', 'a', '--lake', 'b'], '--lake was given 2 times (a, b); pass it once'],
    [
      ['crawl', '--target', 'local', '--target', 'local'],
      '--target was given 2 times (local, local); pass it once',
    ],
    [
      ['crawl', '--target', 'trino', '--trino-schema', 'a', '--trino-schema', 'b'],
      '--trino-schema was given 2 times (a, b); pass it once',
    ],
    [['crawl', '--target', 'aws', '--timeout=0'], '--timeout must be a whole number ≥ 1, got 0'],
    [
      ['upload', '--target', 'aws', '--concurrency', 'abc'],
      '--concurrency must be a whole number ≥ 1, e.g. 3',
    ],
  ])('refuses a flag given twice, or a count that is no whole number ≥ 1: %j', async (args, message) => {
    const failure = await failingOps(args);

    expect(failure.stderr.split('\n')[0]).toBe(`error [BAD_OPTION]: ${message}`);
  });

  it('refuses a flag that takes a value but is given none, instead of running with its default', async () => {
    const lake = await mkdtemp(path.join(os.tmpdir(), 'no-value-'));
    try {
      const failure = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'tools/ops.ts',
          'generate',
          '--lake',
          lake,
          '--ordersPerMonth',
          '--months',
          '1',
          '--target',
        ],
        { cwd: root },
      ).catch((e: { code: number; stderr: string }) => e);

      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr.trimEnd().split('\n')).toEqual([
        'error [BAD_USAGE]: --ordersPerMonth, --target need a value (given none, they would quietly take the default)',
        '  hint: give the value (one that starts with - as --flag=-value), or leave the flag out for its default; `npx ops generate --help` lists them',
      ]);
      // nothing was generated
      expect(await readdir(lake)).toEqual([]);
    } finally {
      await rm(lake, { recursive: true, force: true });
    }
  });
});
