import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isReady, runningDevServer, startDevServer } from '../../tools/trino/server-process.js';
import { useTrino } from './support/trino-server.js';

const npmTrino = (command: string) =>
  promisify(execFile)('npm', ['run', '--silent', 'trino', '--', command], { encoding: 'utf8' });

describe('npm run trino (development server)', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await useTrino());
  });

  it('records the running server, which answers as ready', async () => {
    const server = await runningDevServer();
    expect(server?.url).toBe(url);
    expect(await isReady(url)).toBe(true);
  });

  it('start is idempotent: a second start reuses the server and prints its URL', async () => {
    const again = await startDevServer();
    expect(again).toMatchObject({ reused: true, url });
    const { stdout, stderr } = await npmTrino('start');
    expect(stdout.trim()).toBe(url);
    expect(stderr).toContain('already running');
  });

  it('status reports ready, the URL and the resident memory', async () => {
    const { stdout } = await npmTrino('status');
    expect(stdout).toMatch(new RegExp(`^ready ${url} pid \\d+ rss \\d+ MB`));
  });

  it('runs the JVM with the client compiler only, and leaves no perf data file in /tmp', async () => {
    const server = await runningDevServer();
    expect(server).toBeDefined();
    const args = (await readFile(`/proc/${server?.pid}/cmdline`, 'utf8')).split('\0');
    expect(args).toContain('-XX:TieredStopAtLevel=1');
    expect(existsSync(`/tmp/hsperfdata_${os.userInfo().username}/${server?.pid}`)).toBe(false);
  });

  it('refuses to reuse a server started with other options (TRINO_CONFIG_CHANGED)', async () => {
    await expect(startDevServer({ heapGb: 3 })).rejects.toMatchObject({ code: 'TRINO_CONFIG_CHANGED' });
  });
});
