import type { CommandModule } from 'yargs';
import type { LakeOptions } from '../lib/options.js';
import { targetFor, withTargetOptions } from '../targets/registry.js';

interface LinkArgs extends LakeOptions {
  expires: number;
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
    process.stdout.write(`${await targetFor(args.target).dashboardLink(args, args.expires)}\n`);
  },
};
