import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { OpsError } from '../../contracts/ops-error.js';
import { processExists } from '../../lambda/core/leftovers.js';
import { cacheRoot } from '../lib/cache-root.js';
import { withDirLock } from '../lib/dir-lock.js';
import { writeFileAtomic } from '../lib/fs-atomic.js';
import { kibToMb } from '../lib/units.js';
import { ensureTrinoDist } from './dist.js';
import { findJava } from './java.js';
import { renderServerConfig, type S3StoreConfig, writeServerConfig } from './server-config.js';
import { TrinoClient } from './trino-engine.js';

/** What the state file records about the running development server. */
export interface DevServer {
  pid: number;
  port: number;
  url: string;
  /** Fingerprint of the options it was started with: a different request must not reuse it. */
  config: string;
}

/** Options of `startDevServer`. */
export interface DevServerOptions {
  cache?: string;
  heapGb?: number;
  s3?: S3StoreConfig;
  /** Seconds to wait until ready (default 300): 15-17 s when idle, over 120 s measured at load average 30. */
  readyTimeoutS?: number;
}

/** The development server's folder: etc/, data/ (incl. the metastore), server.json, server.log. */
export const instanceDir = (cache: string = cacheRoot()): string => path.join(cache, 'trino-dev');
const stateFile = (cache?: string) => path.join(instanceDir(cache), 'server.json');

/**
 * Ready for queries: `/v1/info` reports `starting: false` and the node has announced itself as an
 * active worker (it does so a few seconds later; until then table scans fail with "No nodes
 * available to run query"). False while unreachable.
 */
export async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v1/info`, { signal: AbortSignal.timeout(2000) });
    if (((await res.json()) as { starting?: boolean }).starting !== false) return false;
    const client = new TrinoClient({ url, user: 'store-sales-ops', catalog: 'system', schema: 'runtime' });
    const { rows } = await client.run("SELECT COUNT(*) AS n FROM nodes WHERE state = 'active'");
    return Number(rows[0]?.n) > 0;
  } catch {
    return false;
  }
}

/** The recorded server if its process is alive, else undefined (a stale file is removed). */
export async function runningDevServer(cache?: string): Promise<DevServer | undefined> {
  const file = stateFile(cache);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(await readFile(file, 'utf8')) as DevServer;
  if (processExists(state.pid)) return state;
  await rm(file, { force: true });
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const tail = (file: string): string => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '';
  }
};

async function waitReady(server: DevServer, log: string, timeoutS: number): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  while (Date.now() < deadline) {
    if (await isReady(server.url)) return;
    if (!processExists(server.pid)) {
      throw new OpsError(
        'TRINO_START_FAILED',
        `Trino exited while starting; ${log} ends with:\n${tail(log)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new OpsError('TRINO_START_TIMEOUT', `Trino not ready after ${timeoutS} s`, `see ${log}`);
}

/**
 * Starts the single-node development server in the background (downloading it on first use)
 * and waits until it accepts queries. Idempotent: a running server started with the same
 * options is reused (`reused: true`); one started with other options is an error.
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer & { reused: boolean }> {
  const cache = opts.cache ?? cacheRoot();
  return withDirLock(instanceDir(cache), 'start.lock', () => startLocked(cache, opts));
}

async function startLocked(cache: string, opts: DevServerOptions): Promise<DevServer & { reused: boolean }> {
  // The JVM's options (the heap among them): a server an older checkout started with other flags
  // is not reused.
  const jvm = renderServerConfig({ port: 0, dataDir: '', heapGb: opts.heapGb })['jvm.config'];
  const config = createHash('sha256')
    .update(JSON.stringify({ s3: opts.s3 ?? null, jvm }))
    .digest('hex')
    .slice(0, 16);
  const dir = instanceDir(cache);
  const log = path.join(dir, 'server.log');
  const timeoutS = opts.readyTimeoutS ?? 300;
  const running = await runningDevServer(cache);
  if (running) {
    if (running.config !== config) {
      throw new OpsError(
        'TRINO_CONFIG_CHANGED',
        `a Trino started with other options runs at ${running.url}`,
        'stop it first: `npm run trino -- stop`',
      );
    }
    await waitReady(running, log, timeoutS);
    return { ...running, reused: true };
  }
  const java = findJava();
  const home = await ensureTrinoDist(cache);
  const port = await freePort();
  const etc = path.join(dir, 'etc');
  const data = path.join(dir, 'data');
  await rm(etc, { recursive: true, force: true });
  await mkdir(data, { recursive: true });
  await writeServerConfig(etc, { port, dataDir: data, heapGb: opts.heapGb, s3: opts.s3 });
  const out = openSync(log, 'w');
  const child = spawn(path.join(home, 'bin', 'launcher'), ['run', '--etc-dir', etc, '--data-dir', data], {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      JAVA_HOME: java.home,
      PATH: `${path.join(java.home, 'bin')}:${process.env.PATH}`,
      // No hsperfdata_<user> folder in the OS temp folder, from the server or from the launcher's
      // own `java -version`: both JVMs read JDK_JAVA_OPTIONS (nothing here reads their counters).
      JDK_JAVA_OPTIONS: `${process.env.JDK_JAVA_OPTIONS ?? ''} -XX:-UsePerfData`.trim(),
    },
  });
  child.unref();
  if (child.pid === undefined) throw new OpsError('TRINO_START_FAILED', `cannot run ${home}/bin/launcher`);
  // The launcher execs java, so this pid is the server's for its whole life.
  const server: DevServer = { pid: child.pid, port, url: `http://127.0.0.1:${port}`, config };
  await writeFileAtomic(stateFile(cache), JSON.stringify(server, null, 2));
  try {
    await waitReady(server, log, timeoutS);
  } catch (err) {
    await stopDevServer(cache);
    throw err;
  }
  return { ...server, reused: false };
}

/** Stops the development server: SIGTERM (Trino shuts down cleanly), SIGKILL after 30 s. */
export async function stopDevServer(cache?: string): Promise<DevServer | undefined> {
  const server = await runningDevServer(cache);
  if (!server) return undefined;
  process.kill(server.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (processExists(server.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (processExists(server.pid)) process.kill(server.pid, 'SIGKILL');
  await rm(stateFile(cache), { force: true });
  return server;
}

/** Resident memory of a process in MB (Linux /proc), for `status` and the measurements. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(kibToMb(Number(m[1]))) : undefined;
  } catch {
    return undefined;
  }
}
