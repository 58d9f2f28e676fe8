import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError } from '../lib/errors.js';
import { isReady, rssMb, runningDevServer, startDevServer, stopDevServer } from './server-process.js';

/**
 * The project's development Trino: `npm run trino -- start|stop|status`. `start` downloads
 * Trino once into the user cache (see tools/trino/dist.ts), starts it on a free loopback port
 * and prints its URL on stdout; the other lines go to stderr.
 */
async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'start': {
      const started = performance.now();
      const server = await startDevServer();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        server.reused
          ? `trino: already running (pid ${server.pid})\n`
          : `trino: ready in ${seconds} s (pid ${server.pid})\n`,
      );
      process.stdout.write(`${server.url}\n`);
      return;
    }
    case 'stop': {
      const server = await stopDevServer();
      process.stderr.write(server ? `trino: stopped pid ${server.pid}\n` : 'trino: not running\n');
      return;
    }
    case 'status': {
      const server = await runningDevServer();
      if (!server) {
        process.stdout.write('not running\n');
        process.exitCode = 3;
        return;
      }
      const state = (await isReady(server.url)) ? 'ready' : 'starting';
      process.stdout.write(`${state} ${server.url} pid ${server.pid} rss ${rssMb(server.pid) ?? '?'} MB\n`);
      return;
    }
    default:
      throw new Error(`usage: npm run trino -- start|stop|status (got ${command ?? 'nothing'})`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv[2]).catch((err: unknown) => {
    process.stderr.write(`${formatError(err)}\n`);
    process.exitCode = 1;
  });
}
