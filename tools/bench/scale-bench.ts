import { execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LAKE } from '../../contracts/lake-layout.js';
import type { OpsError } from '../../contracts/ops-error.js';
import { assertChromium, chromiumPath } from '../../dashboards/print.js';
import { kibToMb } from '../lib/units.js';
import { BenchFailure, type BenchOptions } from './bench-options.js';

/**
 * `npm run bench scale [-- --orders N] [--keep] [--lake DIR]`: the whole local pipeline on 12
 * months of generated orders (default 12,000,000 in all, ~8.7 GB of raw JSON) in a new lake in the
 * OS temp folder (or under `--lake DIR`, made if missing, e.g. /dev/shm: the generator writes 8.7
 * GB, which a disk slower than ~300 MB/s caps above 30 s), each step as the user runs it (`ops
 * <step>` in a child process, measured with /usr/bin/time): wall time, peak RSS of the step's
 * largest process (workers and dbt included; for `etl` also its busiest worker), the bytes it
 * leaves, and the total against the 90 s target. The lake is removed at the end unless `--keep`.
 */
const TARGET_SECONDS = 90;
const TIME = '/usr/bin/time';
const DEFAULT_ORDERS = 12_000_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Step {
  name: string;
  args: string[];
  /** What the step leaves behind, measured after it. */
  output: (lake: string) => Promise<number>;
  /** The per-step target, where the issue sets one. */
  target?: string;
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isFile()) total += (await stat(path.join(e.parentPath, e.name))).size;
  return total;
}
const fileSize = async (file: string) => (await stat(file).catch(() => undefined))?.size ?? 0;

const steps = (ordersPerMonth: number): Step[] => [
  {
    name: 'generate',
    args: ['generate', '--orders-per-month', String(ordersPerMonth), '--seed', '42'],
    output: (lake) => bytesUnder(path.join(lake, LAKE.rawPrefix)),
    target: '≤ 30 s',
  },
  { name: 'etl', args: ['etl'], output: (lake) => bytesUnder(path.join(lake, LAKE.processedPrefix)) },
  { name: 'crawl', args: ['crawl'], output: (lake) => fileSize(path.join(lake, 'warehouse.duckdb')) },
  {
    name: 'create-views',
    args: ['create-views'],
    output: (lake) => fileSize(path.join(lake, 'warehouse.duckdb')),
  },
  {
    name: 'transform (dbt build)',
    args: ['transform'],
    output: (lake) => fileSize(path.join(lake, 'warehouse.duckdb')),
    target: '≤ 20 s warm, ≤ 2 GB',
  },
  {
    name: 'export-outputs',
    args: ['export-outputs'],
    output: (lake) => bytesUnder(path.join(lake, 'analytics_outputs')),
  },
  { name: 'dashboard', args: ['dashboard'], output: (lake) => bytesUnder(path.join(lake, 'dashboard')) },
];

export interface StepFigures {
  name: string;
  seconds: number;
  /** User + system CPU of the step and every process it waited for (workers, dbt). */
  cpuSeconds: number;
  maxRssMb: number;
  bytes: number;
}

/**
 * Runs `ops <args> --lake <lake>` under /usr/bin/time: its wall time, CPU time and peak RSS. The
 * CPU seconds say how busy the two cores were (a wall time near CPU / 2 is CPU-bound) and vary less
 * than wall time when other machines share the host.
 */
export async function timedStep(
  args: string[],
  lake: string,
): Promise<{ seconds: number; cpuSeconds: number; maxRssMb: number; workerMb?: number }> {
  const started = performance.now();
  const command = ['tools/ops.ts', ...args, '--lake', lake];
  const { stdout, stderr } = await promisify(execFile)(
    TIME,
    ['-f', 'maxrss_kb=%M cpu=%U+%S', process.execPath, '--import', 'tsx', ...command],
    { cwd: ROOT, maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: '0' } },
  ).catch((err: { code?: number; stderr?: string }) => {
    // The step's own error report (ops prints a code and a hint), without /usr/bin/time's lines.
    const report = (err.stderr ?? '')
      .split('\n')
      .filter((l) => l.trim() && !/^maxrss_kb=|^Command (exited with|terminated by)/.test(l))
      .map((l) => `    ${l}\n`)
      .join('');
    throw new BenchFailure(`\`ops ${args.join(' ')}\` failed (exit ${err.code ?? '?'}):\n${report}`);
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = kibToMb(Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? 0));
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(stderr);
  const cpuSeconds = Number(cpu?.[1] ?? 0) + Number(cpu?.[2] ?? 0);
  // `ops etl` reports its busiest worker process (tools/etl/etl-summary.ts)
  const worker = /peak RSS of the busiest (\d+) MiB/.exec(stdout)?.[1];
  return {
    seconds,
    cpuSeconds,
    maxRssMb: rss,
    ...(worker ? { workerMb: (Number(worker) * 2 ** 20) / 1e6 } : {}),
  };
}

const mb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`);

/**
 * Fails with what is missing and how to install it: every step runs under GNU time, and the last
 * one prints the dashboard with Chromium (checked as `ops dashboard` checks it). Checked before
 * the minutes of work that would find out.
 */
export async function checkTools(time = TIME, chromium = chromiumPath()): Promise<void> {
  await access(time, constants.X_OK).catch(() => {
    throw new BenchFailure(
      `no GNU time at ${time}, which measures each step: install time (apt-get install -y time)`,
    );
  });
  await assertChromium(chromium).catch((err: OpsError) => {
    throw new BenchFailure(`${err.message}, which the dashboard step needs: ${err.hint}`);
  });
}

/** A new lake folder under `parent`, which is made first if missing (`--lake /dev/shm/scale`). */
export async function makeLake(parent: string): Promise<string> {
  try {
    await mkdir(parent, { recursive: true });
    return await mkdtemp(path.join(parent, 'store-sales-scale-'));
  } catch (err) {
    throw new BenchFailure(`cannot make a lake under ${parent}: ${(err as Error).message}`);
  }
}

export async function run(options: BenchOptions): Promise<void> {
  await checkTools();
  const orders = options.orders ?? DEFAULT_ORDERS;
  const ordersPerMonth = Math.round(orders / 12);
  const lake = await makeLake(options.lake ?? os.tmpdir());
  process.stdout.write(
    `scale: 12 months x ${ordersPerMonth.toLocaleString('en-US')} orders (average) in ${lake} on ${os.availableParallelism()} cores\n`,
  );
  const figures: StepFigures[] = [];
  try {
    for (const step of steps(ordersPerMonth)) {
      const t = await timedStep(step.args, lake);
      // dbt's warm figure: the second build reuses the parse and the file cache.
      const warm = step.args[0] === 'transform' ? await timedStep(step.args, lake) : undefined;
      const f = { name: step.name, ...t, bytes: await step.output(lake) };
      figures.push(f);
      process.stdout.write(
        `  ${step.name.padEnd(22)} ${f.seconds.toFixed(1).padStart(6)} s  CPU ${f.cpuSeconds.toFixed(1).padStart(6)} s  peak RSS ${f.maxRssMb.toFixed(0).padStart(5)} MB  ${mb(f.bytes).padStart(10)}` +
          `${warm ? `  (warm: ${warm.seconds.toFixed(1)} s, CPU ${warm.cpuSeconds.toFixed(1)} s, ${warm.maxRssMb.toFixed(0)} MB)` : ''}` +
          `${t.workerMb !== undefined ? `  (busiest worker ${t.workerMb.toFixed(0)} MB, target ≤ 512 MB)` : ''}${step.target ? `  target ${step.target}` : ''}\n`,
      );
    }
    const total = figures.reduce((s, f) => s + f.seconds, 0);
    const cpu = figures.reduce((s, f) => s + f.cpuSeconds, 0);
    const raw = figures[0]?.bytes ?? 0;
    const parquet = figures[1]?.bytes ?? 0;
    process.stdout.write(
      `  total ${total.toFixed(1)} s, CPU ${cpu.toFixed(1)} s (target ≤ ${TARGET_SECONDS} s: ${total <= TARGET_SECONDS ? 'met' : 'missed'}); ` +
        `Parquet ${(parquet / raw).toFixed(4)} of raw (target ≤ 0.08: ${parquet / raw <= 0.08 ? 'met' : 'missed'})\n`,
    );
    if (options.keep) process.stdout.write(`  kept: ${lake}\n`);
  } finally {
    if (!options.keep) await rm(lake, { recursive: true, force: true });
  }
}
