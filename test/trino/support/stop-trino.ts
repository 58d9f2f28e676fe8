import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { stopDevServer } from '../../../tools/trino/server-process.js';
import { startedByMarker } from './trino-server.js';

/**
 * Vitest global setup: starts nothing (only Trino tests start the server, on first use), and at
 * the end of the run stops the server if this run started it, leaving one started by hand alone.
 */
export async function teardown(): Promise<void> {
  const marker = startedByMarker(process.pid);
  if (!existsSync(marker)) return;
  await rm(marker, { force: true });
  await stopDevServer();
}
