#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin, Parser } from 'yargs/helpers';
import { OpsError } from '../contracts/ops-error.js';
import { COMMAND_NAMES, commandsFor } from './commands/index.js';
import { stoppingOnSignal } from './lib/child-processes.js';
import { flagArgument, formatError } from './lib/errors.js';
import { flagsWithoutValue, singleValue, suggestCommand } from './lib/options.js';

/**
 * The `ops` CLI: `npx ops <command> [--target local|aws] [--lake DIR]`.
 * Commands are registered from an explicit list (yargs `commandDir` does not load ES modules).
 * Failures set `process.exitCode` and print one line with a hint; nothing calls `process.exit`.
 */
// The AWS SDK warns on Node 20 that its versions published after January 2027 need Node 22. The
// pinned versions support Node 20, which this project keeps supporting (docs/internals.md), so the
// warning is switched off through the SDK's documented variable (aws/aws-sdk-js-v3#7983), unless
// the caller set it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const cli = yargs(hideBin(process.argv))
  .scriptName('npx ops')
  .usage('$0 <command> [options]')
  .strict()
  .demandCommand(1, 'name a command; `npx ops --help` lists them')
  .help()
  .wrap(Math.min(110, process.stdout.columns ?? 110))
  .fail((msg, err) => {
    const hint = '`npx ops --help` lists the commands, `npx ops <command> --help` their options';
    // a flag's coerce refused its value (tools/lib/options.ts): yargs keeps only the message
    if (err?.name === 'YError') throw new OpsError('BAD_OPTION', err.message, hint, { cause: err });
    // yargs' own refusals (unknown command or flag, a value not among the choices) get a code and
    // a hint like every other error
    throw err ?? new OpsError('BAD_USAGE', unknownCommand() ?? msg.replace(/\n\s*/g, ' '), hint);
  });
/** `no command "gen" (did you mean \`npx ops generate\`?)` when the first word is no command. */
function unknownCommand(): string | undefined {
  const [given] = Parser(hideBin(process.argv))._;
  const names = [...COMMAND_NAMES];
  if (typeof given !== 'string' || names.includes(given)) return undefined;
  const meant = suggestCommand(given, names);
  return `no command "${given}"${meant ? ` (did you mean \`npx ops ${meant}\`?)` : ''}`;
}
// only the command the line names is loaded (tools/commands/index.ts)
for (const command of await commandsFor(hideBin(process.argv))) cli.command(command);
/** yargs' option table of the command being parsed (a method @types/yargs does not declare). */
type OptionTable = {
  getOptions(): { key: Record<string, unknown>; boolean: string[]; count: string[]; array: string[] };
};
// before yargs validates, so that the flag is named rather than defaulted
cli.middleware((argv) => {
  // every declared option but the flags: typed ones and `--target` (choices, no type) alike
  const { key, boolean, count, array } = (cli as unknown as OptionTable).getOptions();
  // a flag that takes one value, given twice, is refused rather than read as a list
  for (const name of Object.keys(key)) if (!array.includes(name)) singleValue(`--${name}`, argv[name]);
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const takesValue = (given: string) => {
    const name = given in key ? given : kebab(given); // yargs takes --ordersPerMonth too
    return name in key && !boolean.includes(name) && !count.includes(name);
  };
  const missing = flagsWithoutValue(hideBin(process.argv), takesValue);
  if (!missing.length) return;
  const help = argv._[0] ? `npx ops ${argv._[0]} --help` : 'npx ops --help';
  const [them, need] = missing.length > 1 ? ['they', 'need'] : ['it', 'needs'];
  throw new OpsError(
    'BAD_USAGE',
    `${missing.join(', ')} ${need} a value (given none, ${them} would quietly take the default)`,
    `give the value (one that starts with - as --flag=-value), or leave the flag out for its default; \`${help}\` lists them`,
  );
}, true);

try {
  await cli.parseAsync();
} catch (err) {
  process.exitCode = 1;
  // told to stop by a signal: what failed because of it is no error, and the process ends by it
  if (!stoppingOnSignal()) {
    const args = hideBin(process.argv);
    const [lake, target] = [flagArgument(args, 'lake'), flagArgument(args, 'target')];
    process.stderr.write(
      `${formatError(err, { ...(lake ? { lake } : {}), ...(target ? { target } : {}) })}\n`,
    );
  }
}
