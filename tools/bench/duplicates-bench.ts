import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { factFileKey, rawMonthKey, sourceStem } from '../../contracts/lake-keys.js';
import { forEachOrderId, HeldOrderIds } from '../../lambda/core/held-order-ids.js';
import { processSource } from '../../lambda/core/process-source.js';
import { runLocalEtl } from '../etl/run-local-etl.js';
import { generateDataset } from '../generator/index.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import { BenchFailure, type BenchOptions, benchDataDir, removeBenchData } from './bench-options.js';

/**
 * `npm run bench duplicates [-- --orders N]`: what cross-source duplicate detection costs the
 * Lambda's run of a monthly file when the lake already holds the other eleven months. A lake of
 * 12 generated months of N orders on average (default 100,000; docs/duplicates.md measured 1M)
 * is loaded once with `ops etl`; then the last month is processed again as the Lambda does
 * (`processSource`, one thread, the other months' ids held):
 * - the held ids: reading them (`HeldOrderIds.load`), the memory it keeps and the child's
 *   peak, then one lookup per record of the last month (its order_ids, none held elsewhere);
 * - the whole run: wall and CPU time, peak RSS.
 * Each is a child process, run twice (the machine is shared): the faster run counts, the larger
 * peak RSS. No target: the figures feed the capacity sheet (docs/scale.md).
 */

const SELF = fileURLToPath(import.meta.url);
const MONTHS = 12;
const LAST = rawMonthKey(2025, MONTHS);
/** Average orders per month (`--orders`); the data folder is named after it. */
let ORDERS = 100_000;
const dataDir = (orders: number) => benchDataDir(`duplicates-${orders}-seed42`);

interface HeldResult {
  held: number;
  loadWall: number;
  loadCpu: number;
  /** Growth of `process.memoryUsage().arrayBuffers` (the held ids, wasm's memory) over the read, after a GC. */
  loadBuffersMb: number;
  lookups: number;
  lookupSeconds: number;
  /** The process's peak RSS, MiB: the read's transient buffers included. */
  maxRssMiB: number;
}

interface RunResult {
  wall: number;
  cpu: number;
  /** MiB (`maxRSS` is in KiB). */
  maxRssMiB: number;
  loaded: number;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const MIB = 1024 * 1024;

async function inChild<T>(mode: 'held' | 'run'): Promise<T> {
  const args = ['--expose-gc', '--import', 'tsx', SELF, '--child', mode, String(ORDERS)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as T;
}

/** The ids of the last month's `fact_orders` file, back to back, with their end offsets. */
async function lastMonthIds(lake: string): Promise<{ bytes: Buffer; ends: Int32Array }> {
  const file = path.join(lake, ...factFileKey('fact_orders', 2025, 12, sourceStem(LAST)).split('/'));
  const chunks: Buffer[] = [];
  const ends: number[] = [];
  let at = 0;
  await forEachOrderId(await openAsBlob(file), (buf, start, end) => {
    chunks.push(Buffer.from(buf.subarray(start, end)));
    at += end - start;
    ends.push(at);
  });
  return { bytes: Buffer.concat(chunks), ends: Int32Array.from(ends) };
}

async function childMain(mode: string): Promise<void> {
  const lake = dataDir(ORDERS);
  const store = new LocalObjectStore(lake);
  if (mode === 'held') {
    const { bytes, ends } = await lastMonthIds(lake);
    const gc = globalThis.gc ?? (() => undefined); // the child runs with --expose-gc
    gc();
    const buffers0 = process.memoryUsage().arrayBuffers;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const held = await HeldOrderIds.load(store, sourceStem(LAST));
    const loadWall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    gc(); // what stays: the hashes kept only while the index was built are gone
    const loadBuffersMb = (process.memoryUsage().arrayBuffers - buffers0) / MIB;
    const t1 = performance.now();
    let found = 0;
    for (let i = 0, start = 0; i < ends.length; start = ends[i++] as number) {
      if (held.holderOf(bytes, start, ends[i] as number) !== undefined) found++;
    }
    const lookupSeconds = (performance.now() - t1) / 1000;
    if (found) throw new Error(`${found} ids of the last month are held by another month`);
    const result: HeldResult = {
      held: held.size,
      loadWall,
      loadCpu: (cpu.user + cpu.system) / 1e6,
      loadBuffersMb,
      lookups: ends.length,
      lookupSeconds,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await processSource(store, LAST, { encoderThread: false });
  const cpu = process.cpuUsage(cpu0);
  const result: RunResult = {
    wall: (performance.now() - t0) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    loaded: r.loaded,
  };
  process.stdout.write(JSON.stringify(result));
}

/**
 * Generates the lake unless a kept earlier run left its raw files, and loads it with `ops etl`
 * (nothing to do if a kept run loaded every file; an interrupted one is finished here).
 */
async function prepare(lake: string): Promise<void> {
  const raw = await readdir(path.join(lake, 'raw', 'store_sales')).catch(() => []);
  // raw files are written whole (a killed run leaves none half-written)
  if (raw.filter((f) => f.endsWith('.json')).length < MONTHS) {
    process.stdout.write(`generating ${MONTHS} months of ~${fmt(ORDERS)} orders into ${lake}…\n`);
    await generateDataset({
      lake,
      from: '2025-01',
      months: MONTHS,
      ordersPerMonth: ORDERS,
      seed: 42,
      force: false,
    });
  }
  const summary = await runLocalEtl({ lake });
  if (summary.failed.length) {
    throw new BenchFailure(
      `loading the lake (runLocalEtl) failed on ${summary.failed.map((f) => `${f.key}: ${f.error}`).join('; ')}`,
    );
  }
}

export async function run(options: BenchOptions): Promise<void> {
  ORDERS = options.orders ?? ORDERS;
  const lake = dataDir(ORDERS);
  try {
    await prepare(lake);
    let rawMb = 0;
    const raw = path.join(lake, 'raw', 'store_sales');
    for (const f of await readdir(raw)) rawMb += (await stat(path.join(raw, f))).size / 1e6;
    const [h1, h2] = [await inChild<HeldResult>('held'), await inChild<HeldResult>('held')];
    const held = h1.loadWall <= h2.loadWall ? h1 : h2;
    const lookup = Math.min(h1.lookupSeconds, h2.lookupSeconds);
    const [r1, r2] = [await inChild<RunResult>('run'), await inChild<RunResult>('run')];
    const runs = r1.wall <= r2.wall ? r1 : r2;
    const buffersMb = Math.max(h1.loadBuffersMb, h2.loadBuffersMb);
    process.stdout.write(
      `input: ${MONTHS} monthly files, ${rawMb.toFixed(0)} MB of raw JSON; the last (${fmt(held.lookups)} orders) processed again as the Lambda does, the other ${MONTHS - 1} holding ${fmt(held.held)} order_ids\n` +
        `held ids: read in ${held.loadWall.toFixed(2)} s (cpu ${held.loadCpu.toFixed(2)} s), ${buffersMb.toFixed(0)} MiB of buffers kept (${((buffersMb * 1e6) / held.held).toFixed(1)} MiB per million ids), peak RSS ${Math.max(h1.maxRssMiB, h2.maxRssMiB).toFixed(0)} MiB\n` +
        `one lookup per record: ${fmt(held.lookups)} in ${lookup.toFixed(2)} s (${((lookup * 1e6) / held.lookups).toFixed(2)} µs each)\n` +
        `the Lambda's run of the last month (processSource, one thread): ${fmt(runs.loaded)} orders loaded, wall ${runs.wall.toFixed(2)} s, cpu ${runs.cpu.toFixed(2)} s, peak RSS ${Math.max(r1.maxRssMiB, r2.maxRssMiB).toFixed(0)} MiB\n`,
    );
  } finally {
    if (!options.keep) await removeBenchData(lake);
  }
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  ORDERS = Number(process.argv[4]);
  await childMain(process.argv[3] as string);
}
