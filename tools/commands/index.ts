import type { CommandModule } from 'yargs';
import { crawlCommand } from './crawl.js';
import { createViewsCommand } from './create-views.js';
import { dashboardCommand } from './dashboard.js';
import { dashboardLinkCommand } from './dashboard-link.js';
import { docsCommand } from './docs.js';
import { etlCommand } from './etl.js';
import { exportOutputsCommand } from './export-outputs.js';
import { generateCommand } from './generate.js';
import { pipelineCommand } from './pipeline.js';
import { refreshCommand } from './refresh.js';
import { transformCommand } from './transform.js';
import { uploadCommand } from './upload.js';

/** Every `ops` command, in the order `ops --help` lists them (pipeline order). */
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const commands: CommandModule<any, any>[] = [
  generateCommand,
  uploadCommand,
  etlCommand,
  crawlCommand,
  createViewsCommand,
  transformCommand,
  exportOutputsCommand,
  dashboardCommand,
  dashboardLinkCommand,
  docsCommand,
  pipelineCommand,
  refreshCommand,
];
