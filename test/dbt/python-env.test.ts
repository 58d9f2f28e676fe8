import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { PYTHON_ENVS, runLogged, uvSettingsFromPip, venvBin } from '../../tools/scripts/ensure-python.js';

const minor = (version: string): string => version.split('.').slice(0, 2).join('.');

describe('the dbt Python environment', () => {
  it("runs the same DuckDB minor version as the Node side, so both open each other's warehouse", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const node = pkg.dependencies['@duckdb/node-api'] as string;

    const res = spawnSync(venvBin('dbt', 'python'), ['-c', 'import duckdb; print(duckdb.__version__)'], {
      encoding: 'utf8',
    });

    expect(res.status).toBe(0);
    expect(minor(res.stdout.trim())).toBe(minor(node));
  });

  it('pins dbt-core and the three adapters to exact versions', async () => {
    const requirements = await readFile(new URL('../../requirements/dbt.txt', import.meta.url), 'utf8');

    for (const name of ['dbt-core', 'dbt-duckdb', 'dbt-athena', 'dbt-trino', 'duckdb']) {
      expect(requirements).toMatch(new RegExp(`^${name}==\\d+\\.\\d+\\.\\d+$`, 'm'));
    }
  });
});

/** The envs of the project's tools, which uv installs. */
const TOOL_ENVS = ['dbt', 'checkov', 'moto'] as const;

/** `name==version` lines of a requirements file or a freeze, names normalized (PEP 503), sorted. */
const pins = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => /==/.test(line) && !line.startsWith('#'))
    .map((line) => line.trim().replace(/^[^=]+/, (name) => name.toLowerCase().replace(/[-_.]+/g, '-')))
    .sort();

describe('creating a Python environment', () => {
  it.each(TOOL_ENVS)('installs exactly the pins of its requirements file into %s', async (env) => {
    const res = spawnSync(venvBin('uv', 'uv'), ['pip', 'freeze', '--python', venvBin(env, 'python')], {
      encoding: 'utf8',
    });
    const requirements = await readFile(
      new URL(`../../${PYTHON_ENVS[env].requirements}`, import.meta.url),
      'utf8',
    );

    expect(res.status).toBe(0);
    expect(pins(res.stdout).length).toBeGreaterThan(20);
    expect(pins(res.stdout)).toEqual(pins(requirements));
  });

  it("passes pip's index, wheel folder and certificate settings on to uv, unless uv has its own", () => {
    const mirror = 'https://pypi.example.internal/simple';

    expect(
      uvSettingsFromPip({
        PIP_INDEX_URL: mirror,
        PIP_EXTRA_INDEX_URL: 'https://a/simple https://b/simple',
        PIP_FIND_LINKS: ' /opt/wheels  /srv/wheels ',
        PIP_CERT: '/etc/company-ca.pem',
      }),
    ).toEqual({
      UV_DEFAULT_INDEX: mirror,
      UV_EXTRA_INDEX_URL: 'https://a/simple https://b/simple',
      UV_FIND_LINKS: '/opt/wheels,/srv/wheels',
      SSL_CERT_FILE: '/etc/company-ca.pem',
    });
    expect(uvSettingsFromPip({ PIP_INDEX_URL: mirror, UV_DEFAULT_INDEX: 'https://own/simple' })).toEqual({});
    expect(uvSettingsFromPip({ PIP_INDEX_URL: mirror, UV_INDEX_URL: 'https://own/simple' })).toEqual({});
    expect(
      uvSettingsFromPip({ PIP_EXTRA_INDEX_URL: 'https://a/simple', UV_INDEX: 'https://own/simple' }),
    ).toEqual({});
    expect(uvSettingsFromPip({ PIP_CERT: '/etc/company-ca.pem', SSL_CERT_FILE: '/etc/ssl/own.pem' })).toEqual(
      {},
    );
    expect(uvSettingsFromPip({})).toEqual({});
  });

  it("asks the index pip's setting names when uv creates an env", async () => {
    // The setup script bundled into a scratch tree (its root is its folder's grandparent) with the
    // project's requirements and uv env, so only the env under test is created, and an index on
    // this machine that records what it is asked and has nothing: the creation fails, having asked it
    const repo = path.resolve(import.meta.dirname, '..', '..');
    const root = await mkdtemp(path.join(os.tmpdir(), 'uv-settings-'));
    const asked: string[] = [];
    const index = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
    try {
      const script = path.join(root, 'tools', 'scripts', 'ensure-python.mjs');
      buildSync({
        entryPoints: [path.join(repo, 'tools', 'scripts', 'ensure-python.ts')],
        outfile: script,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'silent',
      });
      await cp(path.join(repo, 'requirements'), path.join(root, 'requirements'), { recursive: true });
      await cp(path.join(repo, PYTHON_ENVS.uv.dir), path.join(root, PYTHON_ENVS.uv.dir), {
        recursive: true,
        verbatimSymlinks: true,
      });
      const url = `http://127.0.0.1:${(index.address() as AddressInfo).port}/simple/`;
      // no uv or pip setting of this machine's (nor uv's config files, nor a proxy that would
      // stand between uv and the index): only the index under test
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/^(UV_|PIP_)|_PROXY$/i.test(name)),
      );
      const run = promisify(execFile)(process.execPath, [script, 'moto'], {
        env: { ...env, PIP_INDEX_URL: url, UV_CACHE_DIR: path.join(root, 'uv-cache'), UV_NO_CONFIG: '1' },
        timeout: 60_000,
      });

      await expect(run).rejects.toMatchObject({ stderr: expect.stringMatching(/\.venv-moto\.log/) });
      // uv asked it (the copied uv env was up to date: pip, which reads the setting itself, never ran)
      expect(existsSync(path.join(root, `${PYTHON_ENVS.uv.dir}.log`))).toBe(false);
      expect(await readFile(path.join(root, '.venv-moto.log'), 'utf8')).toMatch(
        /\/\.venv-uv\/bin\/uv pip install /,
      );
      expect(asked.length).toBeGreaterThan(0);
      for (const request of asked) expect(request).toMatch(/^\/simple\/[a-z0-9-]+\/$/);
    } finally {
      index.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('keeps the tools output in a log file and names it when a step fails', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'python-env-log-'));
    const log = path.join(dir, '.venv.log');
    try {
      const attempt = () =>
        runLogged('sh', ['-c', 'echo collecting dbt-core; echo no such version >&2; exit 3'], log);

      await expect(attempt()).rejects.toThrow(
        /failed \(exit 3\); full log: .*\.venv\.log\n[\s\S]*no such version/,
      );
      await expect(attempt()).rejects.toThrow(/npm run setup:python/);
      expect(await readFile(log, 'utf8')).toMatch(/^\$ sh -c .*\ncollecting dbt-core\nno such version\n/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
