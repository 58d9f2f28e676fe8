import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureOutputs } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** Runs `ops dashboard …` as a user would; resolves with the exit code and both streams. */
async function ops(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'tools/ops.ts', 'dashboard', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dash-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('ops dashboard', () => {
  it('fails with exit code 1 and points to `ops export-outputs` when the lake has no exports', async () => {
    const { code, stderr } = await ops(['--lake', path.join(tmp, 'empty-lake')]);

    expect(code).toBe(1);
    expect(stderr).toContain('error [DASHBOARD_MISSING_OUTPUT]');
    expect(stderr).toContain(path.join(tmp, 'empty-lake', 'analytics_outputs', 'monthly_revenue.csv'));
    // the command in the hint passes the lake it was given, so it runs as typed
    expect(stderr).toContain(
      `hint: run \`npx ops export-outputs --lake ${path.join(tmp, 'empty-lake')}\` first`,
    );
  });

  it('points a malformed CSV read from --from DIR at an export into that folder', async () => {
    const from = path.join(tmp, 'bad-exports');
    await mkdir(from, { recursive: true });
    await writeFile(path.join(from, 'monthly_revenue.csv'), 'a,b\n');

    const { code, stderr } = await ops(['--from', from, '--out', path.join(tmp, 'bad-site')]);

    expect(code).toBe(1);
    expect(stderr).toContain('error [DASHBOARD_BAD_OUTPUT]: monthly_revenue.csv: header is "a,b"');
    expect(stderr).toContain(`hint: run \`npx ops export-outputs --out ${from}\` first`);
  });

  it('reads --from, writes the HTML to --out, and says how to install a missing Chromium', async () => {
    const from = path.join(tmp, 'exports');
    const out = path.join(tmp, 'site');
    await writeFixtureOutputs(from);

    const { code, stderr } = await ops(['--from', from, '--out', out], {
      CHROMIUM_PATH: path.join(tmp, 'none'),
    });

    expect(code).toBe(1);
    expect(stderr).toContain('error [DASHBOARD_NO_CHROMIUM]');
    expect(stderr).toContain('hint: install chromium (apt-get install -y chromium)');
    expect((await stat(path.join(out, 'index.html'))).isFile()).toBe(true);
  });

  it('says on one line, without colour codes, that a CHROMIUM_PATH which is not Chromium did not start', async () => {
    const from = path.join(tmp, 'exports-false');
    await writeFixtureOutputs(from);

    const { code, stderr } = await ops(['--from', from, '--out', path.join(tmp, 'site-false')], {
      CHROMIUM_PATH: '/bin/false',
    });

    expect(code).toBe(1);
    const errors = stderr.split('\n').filter((l) => l && !l.startsWith('dashboard: '));
    expect(errors).toEqual([
      expect.stringMatching(
        /^error \[DASHBOARD_NO_CHROMIUM\]: Chromium at \/bin\/false did not start: browserType\.launch: /,
      ),
      '  hint: check that it is Chromium and starts (`/bin/false --headless --version`; on a busy machine it may time out: retry); install it with apt-get install -y chromium, or set CHROMIUM_PATH',
    ]);
    expect(stderr).not.toContain('\u001b[');
  });
});
