import type { CommandModule } from 'yargs';
import { OpsError } from '../../contracts/ops-error.js';
import type { LakeOptions } from '../lib/options.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface LinkArgs extends LakeOptions {
  expires: number;
}

/** The longest a presigned (SigV4) URL may stay valid: 7 days. */
export const MAX_EXPIRES_SECONDS = 604_800;

/** Checks `--expires`: a whole number of seconds from 1 to 7 days. Throws OpsError `BAD_OPTION`. */
export function checkExpires(seconds: number): number {
  if (Number.isInteger(seconds) && seconds >= 1 && seconds <= MAX_EXPIRES_SECONDS) return seconds;
  throw new OpsError(
    'BAD_OPTION',
    `--expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS} (7 days)${Number.isNaN(seconds) ? '' : `, got ${seconds}`}`,
  );
}

/**
 * `ops dashboard-link [--target aws] [--expires SECONDS]`: prints a link to the latest published
 * dashboard (locally a file URL; on aws a presigned HTTPS URL anyone may open until it expires).
 */
export const dashboardLinkCommand: CommandModule<object, LinkArgs> = {
  command: 'dashboard-link',
  describe: 'print a link to the latest published dashboard (aws: a presigned URL)',
  builder: (y) =>
    withTargetOptions(y, { waits: false }).option('expires', {
      type: 'number',
      default: 3600,
      describe: 'seconds the aws link stays valid (at most 604800, and no longer than the credentials)',
    }) as never,
  handler: async (args) => {
    process.stdout.write(`${await targetFor(args.target).dashboardLink(args, checkExpires(args.expires))}\n`);
  },
};
