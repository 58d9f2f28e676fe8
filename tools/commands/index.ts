import type { CommandModule } from 'yargs';
import { generateCommand } from './generate.js';
import { pipelineCommand } from './pipeline.js';

/** Every `ops` command, in the order `ops --help` lists them (pipeline order). */
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [generateCommand, pipelineCommand];
