import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePythonEnvs, venvBin } from '../../../tools/scripts/ensure-python.js';

/** Region and account every test/aws suite uses (moto's default account). */
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

/**
 * Fake credentials and no instance metadata: the SDK's default chain stops at the environment,
 * so nothing looks for real credentials and no request leaves loopback.
 */
export const FAKE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: REGION,
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;

/** Variables that would point the SDK at a real account or profile; tests remove them. */
export const REAL_AWS_ENV = [
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_DEFAULT_PROFILE',
  'AWS_ENDPOINT_URL',
] as const;

/** A moto server on a loopback port, with the parts of its `/moto-api` the suites use. */
export interface MotoServer {
  url: string;
  /** POSTs JSON to a `/moto-api/…` path; fails unless moto answers 2xx. */
  api(path: string, body: unknown): Promise<void>;
  /** How a stateful model advances (`glue::crawl`, `athena::execution`); see moto's state manager. */
  setTransition(model: string, transition: Record<string, unknown>): Promise<void>;
  unsetTransition(model: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited ${child.exitCode}: ${log()}`);
    try {
      if ((await fetch(`${url}/moto-api/data.json`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`moto_server did not start within 30 s: ${log()}`);
}

/** Starts `.venv-moto/bin/moto_server -H 127.0.0.1 -p <free port>` and waits until it answers. */
export async function startMoto(): Promise<MotoServer> {
  await ensurePythonEnvs('moto');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(venvBin('moto', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  try {
    await waitUntilUp(url, child, () => stderr);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const api = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`moto ${path}: HTTP ${res.status} ${await res.text()}`);
  };
  return {
    url,
    api,
    setTransition: (model, transition) =>
      api('/moto-api/state-manager/set-transition', { model_name: model, transition }),
    unsetTransition: (model) => api('/moto-api/state-manager/unset-transition', { model_name: model }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    },
  };
}
