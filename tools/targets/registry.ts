import type { Argv } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';
import { type LakeOptions, withLakeOptions } from '../lib/options.js';
import { awsTarget } from './aws.js';
import { localTarget } from './local.js';
import type { Target } from './target.js';
import { trinoTarget } from './trino.js';

/** Every target by its `--target` name; the only place that maps a name to its module. */
const TARGETS: Record<string, Target> = { local: localTarget, aws: awsTarget, trino: trinoTarget };

/** The `--target` choices, the default first. */
export const TARGET_NAMES = Object.keys(TARGETS);

/** The target named `name`; an unknown name fails listing the known ones. */
export function targetFor(name: string): Target {
  const target = TARGETS[name];
  if (!target) {
    throw new OpsError(
      'UNKNOWN_TARGET',
      `no target "${name}"`,
      `choose one of ${TARGET_NAMES.join(', ')} (tools/targets/registry.ts)`,
    );
  }
  return target;
}

/**
 * Adds `--target` (choices from this registry), `--lake` and every target's own flags to a
 * command; `waits` adds the flags of commands that wait on remote work (AWS `--timeout`),
 * `targetFlags` keeps the flags of the targets it names (false: none, for commands that never
 * reach a target), and `only` keeps the targets the command supports, so `--help` never offers
 * one it would refuse.
 */
export function withTargetOptions<T>(
  y: Argv<T>,
  {
    waits = true,
    targetFlags = true,
    only = (_target: Target) => true,
  }: {
    waits?: boolean;
    targetFlags?: boolean | ((target: Target) => boolean);
    only?: (target: Target) => boolean;
  } = {},
): Argv<T & LakeOptions> {
  const supported = Object.values(TARGETS).filter(only);
  let out = withLakeOptions(y).option('target', {
    choices: supported.map((t) => t.name),
    default: supported[0]?.name,
    describe: supported.map((t) => `${t.name}: ${t.summary}`).join('; '),
  }) as unknown as Argv<T & LakeOptions>;
  const flagsOf = typeof targetFlags === 'function' ? targetFlags : () => targetFlags;
  for (const target of supported.filter(flagsOf)) out = target.addOptions(out, { waits });
  return out;
}
