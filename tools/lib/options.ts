import os from 'node:os';
import path from 'node:path';
import type { Argv } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';

/**
 * Options every command shares: the target to run against (a name of tools/targets/registry.ts,
 * which adds `--target`) and the lake folder.
 */
export interface LakeOptions {
  target: string;
  lake: string;
}

/** Adds `--lake` (resolved to an absolute path) to a command. */
export function withLakeOptions<T>(y: Argv<T>): Argv<T & { lake: string }> {
  return y.option('lake', {
    type: 'string',
    // an empty variable is unset (`STORE_SALES_LAKE= npx ops …` would otherwise mean the cwd)
    default: process.env.STORE_SALES_LAKE || 'lake',
    describe: 'local lake folder (laid out like the bucket)',
    coerce: resolvedPath('--lake'),
  }) as unknown as Argv<T & { lake: string }>;
}

/**
 * A flag's one value. yargs gives a repeated flag as an array, which a flag that takes one value
 * refuses rather than picking one (BAD_OPTION); `ops.ts` applies this to every such flag.
 */
export function singleValue<T>(flag: string, value: T | T[]): T {
  if (!Array.isArray(value)) return value;
  throw new OpsError(
    'BAD_OPTION',
    `${flag} was given ${value.length} times (${value.join(', ')}); pass it once`,
  );
}

/** `n` if it is a whole number of at least 1; else OpsError BAD_OPTION naming `flag` (and `hint`). */
function atLeastOne(flag: string, n: number, example: number, hint?: string): number {
  if (Number.isInteger(n) && n >= 1) return n;
  // yargs reads a number flag it cannot parse (`--timeout abc`) as NaN: no value worth echoing
  throw new OpsError(
    'BAD_OPTION',
    `${flag} must be a whole number ≥ 1, ${Number.isNaN(n) ? `e.g. ${example}` : `got ${n}`}`,
    hint,
  );
}

/** yargs `coerce` for a flag taking a whole number of at least 1; anything else is BAD_OPTION. */
export const wholeAtLeastOne =
  (flag: string, example: number) =>
  (value: number | number[]): number =>
    atLeastOne(flag, singleValue(flag, value), example);

/** yargs `coerce` for a path flag: its one value, made absolute (a coerce runs before middleware). */
export const resolvedPath =
  (flag: string) =>
  (p: string | string[]): string =>
    path.resolve(singleValue(flag, p));

/**
 * Checks `--workers` (worker processes for `etl` and `generate`): a whole number ≥ 1, or
 * undefined for the default, one per core. Throws OpsError `BAD_OPTION`.
 */
export function checkWorkers(workers: number | undefined, command: string): number | undefined {
  if (workers === undefined) return undefined;
  return atLeastOne(
    '--workers',
    workers,
    2,
    `run \`npx ops ${command} --workers ${os.availableParallelism()}\` (one per core) or \`--workers 1\`, or leave --workers out and ${command} chooses`,
  );
}

/**
 * The flags among `args` that take a value but are given none (`--months` last, or followed by
 * another flag). yargs gives such a flag its default without a word, so `--orders-per-month $N`
 * with N unset would quietly run with the default. `takesValue` says which names take a value.
 */
export function flagsWithoutValue(args: readonly string[], takesValue: (name: string) => boolean): string[] {
  const missing: string[] = [];
  for (const [i, arg] of args.entries()) {
    if (arg === '--') break;
    if (!arg.startsWith('--') || arg.includes('=')) continue;
    const name = arg.slice(2);
    const next = args[i + 1];
    const noValue = next === undefined || (next.startsWith('-') && !/^-\d/.test(next));
    if (noValue && takesValue(name)) missing.push(arg);
  }
  return missing;
}

/**
 * The command a mistyped one most likely means: the only command it begins (`gen` → generate),
 * else the nearest within two edits (`tranform` → transform), else none. yargs' own suggestion
 * goes by edits alone and so offers `etl` for `gen`.
 */
export function suggestCommand(given: string, names: readonly string[]): string | undefined {
  const prefixed = names.filter((n) => n.startsWith(given));
  if (prefixed.length === 1) return prefixed[0];
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(given, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance: insertions, deletions and substitutions, one each. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row[j] = Math.min(substitution, (previous[j] as number) + 1, (row[j - 1] as number) + 1);
    }
    previous = row;
  }
  return previous[b.length] as number;
}

/** `word` as a shell reads it back: as it is when it holds only safe characters, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Commands that run on the local lake whatever the target (their help offers no other). */
const LOCAL_ONLY_COMMANDS = /^npx ops (generate|docs)\b/;

/**
 * `command` (`npx ops etl …`) with `--target` (unless local, or a command that runs locally
 * whatever the target) and `--lake` added where it has none of its own, so that it runs on the
 * target and lake the user is working with.
 */
export function withRunFlags(command: string, { lake, target }: { lake?: string; target?: string }): string {
  const onTarget =
    target && target !== 'local' && !/--target/.test(command) && !LOCAL_ONLY_COMMANDS.test(command)
      ? ` --target ${target}`
      : '';
  const onLake = lake && !/--lake/.test(command) ? ` --lake ${shellWord(lake)}` : '';
  return `${command}${onTarget}${onLake}`;
}

/**
 * `npx ops <command>` as a user would type it next for `lake` and `target` (`withRunFlags`;
 * no `--lake` for the default, ./lake or STORE_SALES_LAKE), for the notes that name a command.
 */
export function opsCommandOn(command: string, { lake, target }: { lake: string; target?: string }): string {
  const fallback = path.resolve(process.env.STORE_SALES_LAKE || 'lake');
  return withRunFlags(`npx ops ${command}`, {
    ...(target ? { target } : {}),
    ...(path.resolve(lake) === fallback ? {} : { lake }),
  });
}
