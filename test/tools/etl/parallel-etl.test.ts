import { cp, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEtlSummary, runLocalEtl } from '../../../tools/etl/run-local-etl.js';
import { generateDataset } from '../../../tools/generator/index.js';
import { checkWorkers } from '../../../tools/lib/options.js';

/**
 * `ops etl --workers N` gives what `--workers 1` gives, byte for byte: every Parquet and
 * quarantine file and the state (but its timestamps). The lake mixes independent months with the
 * cases where order matters: a resent copy of a month under another name (its orders are
 * duplicates of a source of the same run) and a file repeating part of another.
 */
let base: string;
const dirs: string[] = [];

/** A copy of the lake with the four months only: no source shares an order with another. */
async function monthsOnlyCopy(): Promise<string> {
  const lake = await lakeCopy();
  await rm(path.join(lake, 'raw', 'store_sales', 'orders_2025_02_resent.json'));
  await rm(path.join(lake, 'raw', 'store_sales', 'orders_2025_00_part.json'));
  return lake;
}

async function lakeCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parallel-etl-'));
  dirs.push(dir);
  await cp(base, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

/** Every file under the lake's outputs (path → bytes), and the state without its run timestamps. */
async function outputs(lake: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const top of ['processed', 'quarantine']) {
    const root = path.join(lake, top);
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile()) continue;
      const file = path.join(e.parentPath, e.name);
      out[path.relative(lake, file)] = (await readFile(file)).toString('base64');
    }
  }
  const state = JSON.parse(await readFile(path.join(lake, 'state', 'etl-state.json'), 'utf8'));
  for (const s of Object.values(state.sources) as { processedAt?: string }[]) delete s.processedAt;
  out.state = JSON.stringify(state);
  return out;
}

/** Records the sources staged in this process, in order: a worker's staging reports no phase here. */
function inOrderRecorder() {
  const parsed: string[] = [];
  const onPhase = (phase: string, key: string) => {
    if (phase === 'parse') parsed.push(path.basename(key));
  };
  return { parsed, onPhase };
}

const counts = (s: LocalEtlSummary) =>
  s.processed.map((r) => [r.sourceKey, r.read, r.loaded, r.quarantined, r.duplicateOf.join()]);

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'parallel-etl-base-'));
  dirs.push(base);
  await generateDataset({
    lake: base,
    from: '2025-01',
    months: 4,
    ordersPerMonth: 400,
    seed: 9,
    force: false,
  });
  const raw = path.join(base, 'raw', 'store_sales');
  const feb = await readFile(path.join(raw, 'orders_2025_02.json'), 'utf8');
  // A copy of February under a name sorting after it, and half of March again in a file sorting before it.
  await writeFile(path.join(raw, 'orders_2025_02_resent.json'), feb);
  const march = (await readFile(path.join(raw, 'orders_2025_03.json'), 'utf8')).split('\n');
  await writeFile(path.join(raw, 'orders_2025_00_part.json'), march.slice(0, 150).join('\n'));
}, 60_000);

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('ops etl with worker processes', () => {
  it('writes the same files and state as one worker, duplicates across sources included', async () => {
    const one = await lakeCopy();
    const many = await lakeCopy();
    const sequential = await runLocalEtl({ lake: one, workers: 1 });
    const parallel = await runLocalEtl({ lake: many, workers: 3 });
    expect(parallel.failed).toEqual([]);
    expect(parallel.workerMaxRssBytes).toBeGreaterThan(0);
    expect(sequential.workerMaxRssBytes).toBeUndefined();
    // the workers' CPU, which this process's own CPU use leaves out (bench etl adds it)
    expect(parallel.workerCpuSeconds).toBeGreaterThan(0);
    expect(sequential.workerCpuSeconds).toBeUndefined();
    expect(counts(parallel)).toEqual(counts(sequential));
    // The cases that make order matter did happen: both copies were caught.
    expect(counts(sequential).filter((c) => c[4] !== '')).toHaveLength(2);
    expect(await outputs(many)).toEqual(await outputs(one));
  }, 120_000);

  it('gives the same result when no source depends on another (all staged at once)', async () => {
    const one = await monthsOnlyCopy();
    const many = await monthsOnlyCopy();
    await runLocalEtl({ lake: one, workers: 1 });
    const parallel = await runLocalEtl({ lake: many, workers: 2 });
    expect(parallel.processed).toHaveLength(4);
    expect(await outputs(many)).toEqual(await outputs(one));
    // Forcing a re-run with workers rewrites the same bytes, all of it staged by the workers:
    // the months' old outputs share no order with another month, nothing runs in order.
    const recorder = inOrderRecorder();
    const again = await runLocalEtl({ lake: many, workers: 2, force: true, onPhase: recorder.onPhase });
    expect(again.processed).toHaveLength(4);
    expect(recorder.parsed).toEqual([]);
    expect(await outputs(many)).toEqual(await outputs(one));
  }, 120_000);
});

describe('ops etl with worker processes, re-processing a lake', () => {
  it("finds in a parallel run what one worker finds: a changed source repeating an order of a later source's old outputs", async () => {
    const one = await monthsOnlyCopy();
    const many = await monthsOnlyCopy();
    const january = (lake: string) => path.join(lake, 'raw', 'store_sales', 'orders_2025_01.json');
    for (const lake of [one, many]) await runLocalEtl({ lake, workers: 1 });
    // January now also carries the first order of March, which March's outputs already hold.
    const march = (await readFile(path.join(one, 'raw', 'store_sales', 'orders_2025_03.json'), 'utf8')).split(
      '\n',
    )[0];
    for (const lake of [one, many]) {
      await writeFile(january(lake), `${march}\n`, { flag: 'a' });
      // the same stamp in both (the state records it)
      await utimes(january(lake), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    }
    // Every source runs again: the workers read no outputs of the run's sources, the parent
    // compares the ids instead, with March's old outputs too (in order, January sees them).
    const sequential = await runLocalEtl({ lake: one, workers: 1, force: true });
    const recorder = inOrderRecorder();
    const parallel = await runLocalEtl({ lake: many, workers: 2, force: true, onPhase: recorder.onPhase });
    expect(parallel.failed).toEqual([]);
    const caught = counts(sequential).find((c) => String(c[0]).endsWith('orders_2025_01.json'));
    expect(caught?.[4]).toBe('raw/store_sales/orders_2025_03.json');
    // The workers' January loaded the order (they do not read March's outputs); the hashes
    // found it, and every source ran again in order.
    expect(recorder.parsed).toEqual([
      'orders_2025_01.json',
      'orders_2025_02.json',
      'orders_2025_03.json',
      'orders_2025_04.json',
    ]);
    expect(counts(parallel)).toEqual(counts(sequential));
    expect(await outputs(many)).toEqual(await outputs(one));
  }, 120_000);

  it('runs every source in order when an old output cannot be read, as one worker does', async () => {
    const one = await monthsOnlyCopy();
    const many = await monthsOnlyCopy();
    for (const lake of [one, many]) {
      await runLocalEtl({ lake, workers: 1 });
      const march =
        'processed/store_sales/fact_orders/order_year=2025/order_month=03/part-orders_2025_03.parquet';
      await writeFile(path.join(lake, march), 'not parquet');
    }
    const sequential = await runLocalEtl({ lake: one, workers: 1, force: true });
    const recorder = inOrderRecorder();
    const parallel = await runLocalEtl({ lake: many, workers: 2, force: true, onPhase: recorder.onPhase });
    // in order, the sources before March fail on its file; March replaces it, the rest run
    expect(sequential.failed.map((f) => path.basename(f.key))).toEqual([
      'orders_2025_01.json',
      'orders_2025_02.json',
    ]);
    // all in this process (January and February fail on the file before they parse)
    expect(recorder.parsed).toEqual(['orders_2025_03.json', 'orders_2025_04.json']);
    expect(parallel.failed.map((f) => f.key)).toEqual(sequential.failed.map((f) => f.key));
    expect(counts(parallel)).toEqual(counts(sequential));
    expect(await outputs(many)).toEqual(await outputs(one));
  }, 120_000);
});

describe('--workers', () => {
  it('takes a whole number from 1, or nothing for one per core; anything else is BAD_OPTION with the command to run', () => {
    expect(checkWorkers(undefined, 'etl')).toBeUndefined();
    expect(checkWorkers(3, 'etl')).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => checkWorkers(bad, 'etl')).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
    expect(() => checkWorkers(0, 'generate')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/^run `npx ops generate --workers \d+`/) }),
    );
  });
});
