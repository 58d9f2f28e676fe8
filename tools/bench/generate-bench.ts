import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RawOrder } from '../../contracts/raw-order.js';
import { generateDataset, generateMonthOrders } from '../generator/index.js';
import { kibToMb } from '../lib/units.js';

/**
 * `npm run bench generate`: throughput and memory of `generateDataset` (what `ops generate`
 * runs) for about 1,000,000 orders, against the ceiling of `JSON.stringify` alone over the same
 * number of equivalent order objects. Each generation runs in a child process so its peak RSS is
 * the generator's own. Rates are given per wall-clock second and per CPU second (user + system
 * of the child and of the worker processes it generates months in, as `ops generate` does: the
 * one-core figure, robust to other work on the machine).
 */

interface ChildResult {
  orders: number;
  bytes: number;
  wall: number;
  /**
   * User + system CPU seconds of the child and its worker processes (system is mostly the kernel
   * copying file data).
   */
  cpu: number;
  /** User CPU seconds of the child alone (its workers report user + system together). */
  user: number;
  /** Peak RSS of the child or of its busiest worker process, whichever is larger. */
  maxRssMb: number;
  /** Worker processes the months were generated in (0: in the child itself). */
  workers: number;
}

const SELF = fileURLToPath(import.meta.url);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs the generation in a child process (this file with `--child`). */
async function inChild(ordersPerMonth: number, months: number): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    SELF,
    '--child',
    String(ordersPerMonth),
    String(months),
  ]);
  return JSON.parse(stdout) as ChildResult;
}

async function childMain(ordersPerMonth: number, months: number): Promise<void> {
  const lake = await mkdtemp(path.join(os.tmpdir(), 'generate-bench-'));
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await generateDataset({ lake, from: '2025-01', months, ordersPerMonth, seed: 42, force: true });
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const maxRssMb = Math.max(kibToMb(process.resourceUsage().maxRSS), (s.workerMaxRssBytes ?? 0) / 1e6);
    const result: ChildResult = {
      orders: s.orders,
      bytes: s.bytes,
      wall,
      cpu: (cpu.user + cpu.system) / 1e6 + (s.workerCpuSeconds ?? 0),
      user: cpu.user / 1e6,
      maxRssMb,
      workers: s.workers,
    };
    process.stdout.write(JSON.stringify(result));
  } finally {
    await rm(lake, { recursive: true, force: true });
  }
}

/** Seconds (wall, CPU) to `JSON.stringify` `count` orders cycling through a pool of real ones. */
function stringifyCeiling(count: number): { wall: number; cpu: number } {
  const pool: RawOrder[] = [];
  for (const o of generateMonthOrders(
    { from: '2025-01', months: 1, ordersPerMonth: 20_000, seed: 42 },
    2025,
    1,
  )) {
    pool.push(o);
  }
  let chars = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) chars += `${JSON.stringify(pool[i % pool.length])}\n`.length;
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (chars === 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

function report(label: string, r: ChildResult): void {
  const split = r.workers
    ? `${r.workers} worker processes and the parent`
    : `user ${r.user.toFixed(2)} s, system ${(r.cpu - r.user).toFixed(2)} s`;
  process.stdout.write(
    `${label}: ${fmt(r.orders)} orders, ${(r.bytes / 1e6).toFixed(0)} MB\n` +
      `  wall ${r.wall.toFixed(2)} s  ${fmt(r.orders / r.wall)} orders/s  ${(r.bytes / 1e6 / r.wall).toFixed(1)} MB/s\n` +
      `  cpu  ${r.cpu.toFixed(2)} s  ${fmt(r.orders / r.cpu)} orders/s per core (${split})\n` +
      `  peak RSS ${r.maxRssMb.toFixed(0)} MB${r.workers ? ' (the busiest process)' : ''}\n`,
  );
}

export async function run(): Promise<void> {
  const yearly = await inChild(83_334, 12);
  report('12 months x 83,334 orders/month (stream to disk)', yearly);
  const ceiling = stringifyCeiling(yearly.orders);
  process.stdout.write(
    `JSON.stringify alone over ${fmt(yearly.orders)} equivalent orders (ceiling):\n` +
      `  wall ${ceiling.wall.toFixed(2)} s  ${fmt(yearly.orders / ceiling.wall)} orders/s; ` +
      `cpu ${ceiling.cpu.toFixed(2)} s  ${fmt(yearly.orders / ceiling.cpu)} orders/s\n` +
      `  our speed / stringify-only speed (>1 = faster than the ceiling): ${(ceiling.wall / yearly.wall).toFixed(2)}x (wall), ` +
      `${(ceiling.cpu / yearly.cpu).toFixed(2)}x (cpu)\n`,
  );
  const month = await inChild(1_080_000, 1);
  report('1 month x ~1,000,000 orders (memory must not grow with a month)', month);
  const small = await inChild(5_000, 12);
  report('default dataset: 12 months x 5,000 orders/month', small);
  const rate = yearly.orders / yearly.cpu;
  const rss = Math.max(yearly.maxRssMb, month.maxRssMb, small.maxRssMb);
  process.stdout.write(
    `targets: >= 150,000 orders/s on one core: ${rate >= 150_000 ? 'met' : 'MISSED'} (${fmt(rate)}); ` +
      `peak RSS < 300 MB: ${rss < 300 ? 'met' : 'MISSED'} (${rss.toFixed(0)} MB)\n`,
  );
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  await childMain(Number(process.argv[3]), Number(process.argv[4]));
}
