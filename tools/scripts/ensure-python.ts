import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (res.status !== 0) {
    throw new Error(
      `\`${cmd} ${args.join(' ')}\` failed (exit ${res.status ?? res.signal}); see the output above`,
    );
  }
}

/** Ensures one virtualenv exists and matches its requirements file; prints progress. */
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
  process.stderr.write(`python: creating ${dir} from ${requirements} (first run only, about a minute)…\n`);
  rmSync(venv, { recursive: true, force: true });
  run(python, ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'pip'), [
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--progress-bar',
    'off',
    '-r',
    path.join(root, requirements),
  ]);
  writeFileSync(stamp, hash);
  process.stderr.write(`python: ${dir} ready in ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const wanted = process.argv.slice(2) as PythonEnv[];
  for (const env of wanted.length ? wanted : (Object.keys(PYTHON_ENVS) as PythonEnv[])) {
    if (!(env in PYTHON_ENVS))
      throw new Error(`unknown python env "${env}"; one of ${Object.keys(PYTHON_ENVS).join(', ')}`);
    ensurePythonEnv(env);
  }
}
