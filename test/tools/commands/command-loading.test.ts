import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandsFor, loadCommands } from '../../../tools/commands/index.js';

// `npx ops` loads only the command a line names (each with what it imports), or all of them
// where yargs must list or suggest them.
const names = (commands: { command?: unknown }[]): string[] => commands.map((c) => String(c.command));

describe('ops commands, loaded on demand', () => {
  it('loads every command in the order help lists them, each under its name', async () => {
    expect(names(await loadCommands())).toEqual(COMMAND_NAMES);
  });

  it('loads only the command a line names, wherever its flags stand', async () => {
    expect(names(await commandsFor(['crawl', '--lake', 'x']))).toEqual(['crawl']);
    expect(names(await commandsFor(['--lake', 'x', 'export-outputs', '--target', 'aws']))).toEqual([
      'export-outputs',
    ]);
  });

  it('loads them all for help, a mistyped or missing name, or a name read as a flag value', async () => {
    for (const line of [[], ['--help'], ['crawll'], ['--force', 'etl']])
      expect(names(await commandsFor(line))).toEqual(COMMAND_NAMES);
  });
});
