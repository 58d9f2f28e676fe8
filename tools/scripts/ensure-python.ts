import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTied, stoppingOnSignal } from '../lib/child-processes.js';
import { withDirLock } from '../lib/dir-lock.js';

/**
 * Creates the project's pinned Python virtualenvs (dbt, checkov, moto), each from its own fully
 * pinned requirements file. They are separate because the tools disagree on shared
 * dependencies (boto3, for one). An env is rebuilt only when its requirements file changed:
 * a stamp holds the file's hash. They are installed by uv (pinned in its own small env, which pip
 * installs): a requirements file in 4-7 s where pip took 32-40 s here, mostly compiling every
 * module one at a time. Usage: `tsx tools/scripts/ensure-python.ts [dbt|checkov|moto…]`.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PYTHON_ENVS = {
  /** The installer of the others, not a tool of the project's own. */
  uv: { dir: '.venv-uv', requirements: 'requirements/uv.txt' },
  dbt: { dir: '.venv', requirements: 'requirements/dbt.txt' },
  checkov: { dir: '.venv-checkov', requirements: 'requirements/checkov.txt' },
  moto: { dir: '.venv-moto', requirements: 'requirements/moto.txt' },
} as const;
export type PythonEnv = keyof typeof PYTHON_ENVS;

/** Absolute path of an executable inside one of the project's virtualenvs. */
export const venvBin = (env: PythonEnv, exe: string): string =>
  path.join(root, PYTHON_ENVS[env].dir, 'bin', exe);

/** Where a virtualenv's creation log goes: `.venv.log` beside `.venv` (git-ignored as `*.log`). */
export const setupLog = (env: PythonEnv): string => path.join(root, `${PYTHON_ENVS[env].dir}.log`);

/**
 * Runs a setup command (with `env` added to the environment) with its output appended to `log`;
 * on failure the error names the log and ends with `hint` (what it needs, and how to run it again).
 */
export async function runLogged(
  cmd: string,
  args: string[],
  log: string,
  env: NodeJS.ProcessEnv = {},
  hint = 'needs Python 3.11 with venv (apt-get install python3-venv) and PyPI access; then run `npm run setup:python`',
): Promise<void> {
  const fd = openSync(log, 'a');
  try {
    writeFileSync(fd, `$ ${cmd} ${args.join(' ')}\n`);
    const child = spawnTied(cmd, args, {
      stdio: ['ignore', fd, fd],
      cwd: root,
      env: { ...process.env, ...env },
    });
    const exit = await new Promise<string | number>((resolve) => {
      child.on('error', (err) => resolve(err.message));
      child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    if (exit === 0) return;
    // stopped by Ctrl-C or a kill: nothing is wrong with the setup, and the next run starts over
    if (stoppingOnSignal())
      throw new Error(`\`${cmd}\` stopped (${exit}); the next run creates the env again`);
    const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-8).join('\n');
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed (exit ${exit}); full log: ${log}\n${tail}\n${hint}`);
  } finally {
    closeSync(fd);
  }
}

/** Holds the hash of the requirements file an env was built from (and of its installer's). */
const STAMP = '.requirements.sha256';

/**
 * The hash of `env`'s requirements file and, for an env uv installs, of uv's too: an env made by
 * another installer (pip, before uv; another uv) is made again.
 */
const requirementsHash = (env: PythonEnv): string => {
  const hash = createHash('sha256');
  for (const e of env === 'uv' ? ['uv' as const] : ['uv' as const, env])
    hash.update(readFileSync(path.join(root, PYTHON_ENVS[e].requirements)));
  return hash.digest('hex');
};

/** Whether `env` exists and was built from its requirements file as it is now (the stamp). */
function upToDate(env: PythonEnv): boolean {
  const stamp = path.join(root, PYTHON_ENVS[env].dir, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === requirementsHash(env);
}

/**
 * Creates `env` from scratch: venv, install, then the stamp (so a failed run is redone), with
 * the hash of the requirements as read before installing them (an edit during the install is
 * not taken for installed). uv's env is installed by pip; the others by uv, without pip in them
 * (`uv pip freeze` lists one, docs/internals.md).
 */
async function createEnv(env: PythonEnv): Promise<void> {
  const { dir, requirements } = PYTHON_ENVS[env];
  const venv = path.join(root, dir);
  const log = setupLog(env);
  const hash = requirementsHash(env);
  const file = path.join(root, requirements);
  rmSync(venv, { recursive: true, force: true });
  writeFileSync(log, '');
  const python = process.env.PYTHON ?? 'python3';
  if (env === 'uv') {
    await runLogged(python, ['-m', 'venv', venv], log);
    const pip = path.join(venv, 'bin', 'pip');
    await runLogged(
      pip,
      ['install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', file],
      log,
    );
  } else {
    await runLogged(python, ['-m', 'venv', '--without-pip', venv], log);
    await runLogged(
      venvBin('uv', 'uv'),
      [
        'pip',
        'install',
        '--python',
        path.join(venv, 'bin', 'python'),
        '--compile-bytecode',
        '--no-progress',
        '--color',
        'never',
        '-r',
        file,
      ],
      log,
      uvSettingsFromPip(),
    );
  }
  writeFileSync(path.join(venv, STAMP), hash);
}

/**
 * pip's environment settings for where packages come from, as uv's, which does not read pip's (a
 * company mirror, wheel folder or certificate set for pip serves both). A setting uv already has
 * is left as it is. pip's configuration files are not read.
 */
export function uvSettingsFromPip(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  const pass = (pip: string, uv: string[], value = env[pip]) => {
    if (value && uv.every((name) => !env[name])) out[uv[0] as string] = value;
  };
  pass('PIP_INDEX_URL', ['UV_DEFAULT_INDEX', 'UV_INDEX_URL']);
  // both space-separated
  pass('PIP_EXTRA_INDEX_URL', ['UV_EXTRA_INDEX_URL', 'UV_INDEX']);
  // pip's list is space-separated, uv's comma-separated
  pass('PIP_FIND_LINKS', ['UV_FIND_LINKS'], env.PIP_FIND_LINKS?.trim().split(/\s+/).join(','));
  pass('PIP_CERT', ['SSL_CERT_FILE']);
  return out;
}

/** Creations under way in this process, so two callers of one env share one install. */
const creating = new Map<PythonEnv, Promise<void>>();

/**
 * createEnv, once per env at a time: in this process (`creating`), and across processes (test
 * workers that each start moto, two terminals) by a lock file beside the env, the env checked
 * again once the lock is held. A line when it starts and one when it ends.
 */
function createOnce(env: PythonEnv): Promise<void> {
  const running = creating.get(env);
  if (running) return running;
  const { dir, requirements } = PYTHON_ENVS[env];
  const created = withDirLock(
    root,
    `${dir}.lock`,
    async () => {
      if (upToDate(env)) return;
      const start = performance.now();
      process.stderr.write(`python: creating ${dir} from ${requirements} (log ${setupLog(env)})\n`);
      try {
        await createEnv(env);
      } catch (err) {
        process.stderr.write(`python: creating ${dir} failed\n`);
        throw err;
      }
      process.stderr.write(`python: ${dir} ready in ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
    },
    () => process.stderr.write(`python: waiting for another process creating ${dir}\n`),
  ).finally(() => creating.delete(env));
  creating.set(env, created);
  return created;
}

/**
 * Ensures the virtualenvs `envs` exist and match their requirements files, creating the missing
 * ones side by side (uv's before them). The installers' output goes to `setupLog(env)`, whose
 * path the error names if a step fails.
 */
export async function ensurePythonEnvs(...envs: PythonEnv[]): Promise<void> {
  // every creation runs to its end (its log whole) before a failure is thrown, naming them all
  const missing = envs.filter((env) => !upToDate(env));
  // the installer of the others first (its own failure is theirs)
  if (missing.some((env) => env !== 'uv') && !upToDate('uv')) await createOnce('uv');
  const results = await Promise.allSettled(missing.map(createOnce));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new Error(failures.map((f) => f.message).join('\n\n'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const wanted = process.argv.slice(2) as PythonEnv[];
  for (const env of wanted)
    if (!(env in PYTHON_ENVS))
      throw new Error(`unknown python env "${env}"; one of ${Object.keys(PYTHON_ENVS).join(', ')}`);
  await ensurePythonEnvs(...(wanted.length ? wanted : (Object.keys(PYTHON_ENVS) as PythonEnv[])));
}
