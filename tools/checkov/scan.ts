import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CHECKOV_SKIPS } from '../../stacks/checkov/skips.js';
import { venvBin } from '../scripts/ensure-python.js';

/** checkov could not run, or printed something that is not its JSON report. */
export class CheckovError extends Error {
  override readonly name = 'CheckovError';
  readonly code = 'CHECKOV_FAILED_TO_RUN';
}

/** One failed check: which rule, on which resource, in which file. */
export interface CheckovFinding {
  checkId: string;
  checkName: string;
  resource: string;
  file: string;
}

export interface CheckovReport {
  passed: number;
  failed: CheckovFinding[];
}

interface RawReport {
  summary: { passed: number };
  results: { failed_checks: { check_id: string; check_name: string; resource: string; file_path: string }[] };
}

/**
 * Runs the pinned checkov (.venv-checkov) on synthesized `cdk.tf.json` files as Terraform JSON,
 * offline (`--skip-download`: no Prisma Cloud look-ups). `skip` is passed as `--skip-check`;
 * `only` restricts the run to some checks (used to prove every skip still matches a failure).
 */
export async function runCheckov(
  files: string[],
  { skip = [], only = [] }: { skip?: string[]; only?: string[] } = {},
): Promise<CheckovReport> {
  const args = [
    ...files.flatMap((f) => ['-f', f]),
    '--framework',
    'terraform_json',
    '--skip-download',
    '--compact',
    '--quiet',
    '-o',
    'json',
    ...(skip.length ? ['--skip-check', skip.join(',')] : []),
    ...(only.length ? ['--check', only.join(',')] : []),
  ];
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(venvBin('checkov', 'checkov'), args, {
      maxBuffer: 64 * 1024 ** 2,
    }));
  } catch (err) {
    // checkov exits 1 when a check fails; its report is still on stdout.
    const out = (err as { stdout?: string }).stdout;
    if (!out) throw new CheckovError(`checkov did not run: ${(err as Error).message}`, { cause: err });
    stdout = out;
  }
  return parseReport(stdout);
}

function parseReport(stdout: string): CheckovReport {
  let parsed: RawReport | RawReport[];
  try {
    parsed = JSON.parse(stdout);
  } catch (err) {
    throw new CheckovError(`checkov printed no JSON report: ${stdout.slice(0, 200)}`, { cause: err });
  }
  // One framework gives an object; a run with no scannable file gives an empty summary object.
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r) => r.results);
  return {
    passed: reports.reduce((n, r) => n + r.summary.passed, 0),
    failed: reports.flatMap((r) =>
      r.results.failed_checks.map((c) => ({
        checkId: c.check_id,
        checkName: c.check_name,
        resource: c.resource,
        file: c.file_path,
      })),
    ),
  };
}

/** The project's scan: every check but the skips the stacks document (stacks/checkov/skips.ts). */
export const scanStacks = (files: string[]): Promise<CheckovReport> =>
  runCheckov(files, { skip: Object.keys(CHECKOV_SKIPS) });

// CLI for CI: `tsx tools/checkov/scan.ts cdktf.out/stacks/*/cdk.tf.json`; exit 1 on any failure.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const files = process.argv.slice(2);
  const report = await scanStacks(files);
  for (const f of report.failed)
    process.stdout.write(`FAILED ${f.checkId} ${f.resource} (${f.file}): ${f.checkName}\n`);
  for (const [id, reason] of Object.entries(CHECKOV_SKIPS))
    process.stdout.write(`skipped ${id}: ${reason}\n`);
  process.stdout.write(
    `checkov: ${report.passed} passed, ${report.failed.length} failed in ${files.length} files\n`,
  );
  if (report.failed.length || !files.length) process.exitCode = 1;
}
