import type { CommandModule } from 'yargs';
import { Parser } from 'yargs/helpers';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
type AnyCommand = CommandModule<any, any>;

/**
 * Every `ops` command by name, in the order `ops --help` lists them (pipeline order), each module
 * loaded when a run needs it: with all twelve loaded, and what they import, `npx ops crawl --help`
 * took 1.18-1.72 s instead of 0.84-0.91 s (docs/cli.md, "Start-up").
 */
const LOADERS: Record<string, () => Promise<AnyCommand>> = {
  generate: async () => (await import('./generate.js')).generateCommand,
  upload: async () => (await import('./upload.js')).uploadCommand,
  etl: async () => (await import('./etl.js')).etlCommand,
  crawl: async () => (await import('./crawl.js')).crawlCommand,
  'create-views': async () => (await import('./create-views.js')).createViewsCommand,
  transform: async () => (await import('./transform.js')).transformCommand,
  'export-outputs': async () => (await import('./export-outputs.js')).exportOutputsCommand,
  dashboard: async () => (await import('./dashboard.js')).dashboardCommand,
  'dashboard-link': async () => (await import('./dashboard-link.js')).dashboardLinkCommand,
  docs: async () => (await import('./docs.js')).docsCommand,
  pipeline: async () => (await import('./pipeline.js')).pipelineCommand,
  refresh: async () => (await import('./refresh.js')).refreshCommand,
};

/** The commands' names, in `ops --help` order. */
export const COMMAND_NAMES: readonly string[] = Object.keys(LOADERS);

/** The command modules of `names` (default: every command), in that order. */
export const loadCommands = (names: readonly string[] = COMMAND_NAMES): Promise<AnyCommand[]> =>
  Promise.all(
    names.map((name) => {
      const load = LOADERS[name];
      if (!load) throw new Error(`no ops command "${name}"`);
      return load();
    }),
  );

/**
 * The commands a command line needs: the one its first word names, else every command (help, a
 * mistyped or missing name: yargs lists or suggests them all). A flag before the command that
 * takes no value can hide its name (`--force etl` reads as `--force=etl`): then every command is
 * loaded, as before, and yargs parses the line as it always did.
 */
export function commandsFor(args: readonly string[]): Promise<AnyCommand[]> {
  const [first] = Parser([...args])._;
  return loadCommands(typeof first === 'string' && first in LOADERS ? [first] : COMMAND_NAMES);
}
