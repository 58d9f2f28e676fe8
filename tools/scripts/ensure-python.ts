import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Creates the project's pinned Python virtualenvs (dbt, checkov, moto), each from its own fully
 * pinned requirements file. They are separate because the tools disagree on shared
 * dependencies (boto3, for one). An env is rebuilt only when its requirements file changed:
 * a stamp holds the file's hash. Usage: `tsx tools/scripts/ensure-python.ts [dbt|checkov|moto…]`.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PYTHON_ENVS = {
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

/** Runs a setup command with its output appended to `log`; on failure the error names the log. */
export function runLogged(cmd: string, args: string[], log: string): void {
  const fd = openSync(log, 'a');
  try {
    writeFileSync(fd, `$ ${cmd} ${args.join(' ')}\n`);
    const res = spawnSync(cmd, args, { stdio: ['ignore', fd, fd], cwd: root });
    if (res.status !== 0) {
      const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-8).join('\n');
      throw new Error(
        `\`${cmd} ${args.join(' ')}\` failed (exit ${res.status ?? res.error?.message ?? res.signal}); ` +
          `full log: ${log}\n${tail}\nneeds Python 3.11 with venv (apt-get install python3-venv) and PyPI access; ` +
          'then run `npm run setup:python`',
      );
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Ensures one virtualenv exists and matches its requirements file. Prints one line (pip's output
 * goes to `setupLog(env)`, whose path the error names if a step fails).
 */
export function ensurePythonEnv(env: PythonEnv): void {
  const { dir, requirements } = PYTHON_ENVS[env];
  const venv = path.join(root, dir);
  const stamp = path.join(venv, '.requirements.sha256');
  const hash = createHash('sha256')
    .update(readFileSync(path.join(root, requirements)))
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;

  const python = process.env.PYTHON ?? 'python3';
  const start = performance.now();
  const log = setupLog(env);
  process.stderr.write(
    `python: creating ${dir} from ${requirements} (first run only, about a minute; log ${log})… `,
  );
  rmSync(venv, { recursive: true, force: true });
  writeFileSync(log, '');
  try {
    runLogged(python, ['-m', 'venv', venv], log);
    runLogged(
      path.join(venv, 'bin', 'pip'),
      [
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--progress-bar',
        'off',
        '-r',
        path.join(root, requirements),
      ],
      log,
    );
  } catch (err) {
    process.stderr.write('failed\n');
    throw err;
  }
  writeFileSync(stamp, hash);
  process.stderr.write(`ready in ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const wanted = process.argv.slice(2) as PythonEnv[];
  for (const env of wanted.length ? wanted : (Object.keys(PYTHON_ENVS) as PythonEnv[])) {
    if (!(env in PYTHON_ENVS))
      throw new Error(`unknown python env "${env}"; one of ${Object.keys(PYTHON_ENVS).join(', ')}`);
    ensurePythonEnv(env);
  }
}
