import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { FACT_TABLE_NAMES, FACT_TABLES, type FactTable } from '../../contracts/fact-tables.js';
import { LAKE } from '../../contracts/lake-layout.js';
import {
  LAKE_PARQUET,
  type ParquetEncoding,
  writerProperties,
} from '../../lambda/core/parquet-file-writer.js';
import { parquetWasm } from '../../lambda/core/parquet-wasm.js';
import { BenchFailure, type BenchOptions } from './bench-options.js';

/**
 * `npm run bench parquet [-- --lake DIR]`: re-encodes every fact Parquet file of a lake (default
 * ./lake; run `npm start` first) with each candidate encoding and prints the bytes, the ratio to
 * the raw JSON and the encode time. The lake's choice is `LAKE_PARQUET` (parquet-file-writer.ts);
 * the table in docs/scale.md comes from here. Target: ≤ 0.08 of the raw bytes.
 */
const TARGET_RATIO = 0.08;

const base: ParquetEncoding = {
  compression: 'SNAPPY',
  dictionary: 'contract',
  deltaIntegers: 'none',
  deltaStrings: 'none',
};
export const CANDIDATES: { name: string; encoding: ParquetEncoding }[] = [
  { name: 'snappy, dictionary per contract (before)', encoding: base },
  { name: 'lz4_raw', encoding: { ...base, compression: 'LZ4_RAW' } },
  { name: 'zstd (level 1)', encoding: { ...base, compression: 'ZSTD' } },
  { name: 'gzip (level 6)', encoding: { ...base, compression: 'GZIP' } },
  { name: 'brotli (level 1)', encoding: { ...base, compression: 'BROTLI' } },
  { name: 'zstd, dictionary on every column', encoding: { ...base, compression: 'ZSTD', dictionary: 'all' } },
  { name: 'zstd, no dictionary', encoding: { ...base, compression: 'ZSTD', dictionary: 'none' } },
  {
    name: 'zstd + delta timestamps',
    encoding: { ...base, compression: 'ZSTD', deltaIntegers: 'timestamps' },
  },
  {
    name: "zstd + delta timestamps + delta fact_orders' order_ids",
    encoding: { ...base, compression: 'ZSTD', deltaIntegers: 'timestamps', deltaStrings: 'contract' },
  },
  { name: 'zstd + delta integers', encoding: { ...base, compression: 'ZSTD', deltaIntegers: 'all' } },
  {
    name: 'zstd + delta integers + delta strings',
    encoding: { ...base, compression: 'ZSTD', deltaIntegers: 'all', deltaStrings: 'all' },
  },
  { name: 'snappy + delta timestamps', encoding: { ...base, deltaIntegers: 'timestamps' } },
];

async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The fact table a Parquet file of the lake belongs to, from its folder. */
function tableOf(lake: string, file: string): FactTable {
  const key = path.relative(lake, file).split(path.sep).join('/');
  const table = FACT_TABLE_NAMES.find((t) => key.startsWith(FACT_TABLES[t].prefix));
  if (!table) throw new Error(`${file} is in no fact table's folder`);
  return table;
}

export interface CandidateFigures {
  name: string;
  bytes: number;
  ratio: number;
  encodeMs: number;
  chosen: boolean;
}

/** A fact file of a lake, decoded once and kept as Arrow IPC, so each encoding encodes the same batches. */
export interface DecodedFact {
  table: FactTable;
  ipc: Uint8Array;
}

/** Every fact Parquet file under `<lake>/processed/`, decoded. */
export async function decodedFacts(lake: string): Promise<DecodedFact[]> {
  const pw = parquetWasm();
  const facts = await filesUnder(path.join(lake, LAKE.processedPrefix), '.parquet');
  return Promise.all(
    facts.map(async (f) => ({
      table: tableOf(lake, f),
      ipc: pw.readParquet(await readFile(f)).intoIPCStream(),
    })),
  );
}

/** Encodes `facts` in `encoding` (row groups as the ETL's); the bytes and the encoding time alone. */
export function encodeFacts(
  facts: readonly DecodedFact[],
  encoding: ParquetEncoding,
): { bytes: number; encodeMs: number } {
  const pw = parquetWasm();
  let bytes = 0;
  let encodeMs = 0;
  for (const { table, ipc } of facts) {
    const arrowTable = pw.Table.fromIPCStream(ipc);
    const started = performance.now();
    bytes += pw.writeParquet(arrowTable, writerProperties(table, 65_536, encoding)).length;
    encodeMs += performance.now() - started;
  }
  return { bytes, encodeMs };
}

/** Measures every candidate on the lake's fact files against its raw bytes. */
export async function measureCandidates(
  lake: string,
): Promise<{ rawBytes: number; figures: CandidateFigures[] }> {
  const raw = await filesUnder(path.join(lake, LAKE.rawPrefix), '.json');
  let rawBytes = 0;
  for (const f of raw) rawBytes += (await stat(f)).size;
  const facts = await decodedFacts(lake);
  if (!facts.length || !rawBytes)
    throw new BenchFailure(
      `no raw and Parquet files in ${lake}: run \`npm start\` first, or give the lake with --lake DIR`,
    );
  const figures: CandidateFigures[] = [];
  for (const { name, encoding } of CANDIDATES) {
    const { bytes, encodeMs } = encodeFacts(facts, encoding);
    const chosen = JSON.stringify(encoding) === JSON.stringify(LAKE_PARQUET);
    figures.push({ name, bytes, ratio: bytes / rawBytes, encodeMs, chosen });
  }
  return { rawBytes, figures };
}

export async function run(options: BenchOptions): Promise<void> {
  const lake = path.resolve(options.lake ?? 'lake');
  const { rawBytes, figures } = await measureCandidates(lake);
  process.stdout.write(`raw JSON: ${(rawBytes / 1e6).toFixed(1)} MB in ${lake}\n`);
  process.stdout.write('| encoding | Parquet bytes | of raw | encode time |\n|---|---:|---:|---:|\n');
  for (const f of figures) {
    process.stdout.write(
      `| ${f.name}${f.chosen ? ' **(chosen)**' : ''} | ${f.bytes.toLocaleString('en-US')} | ${f.ratio.toFixed(4)} | ${(f.encodeMs / 1000).toFixed(2)} s |\n`,
    );
  }
  const chosen = figures.find((f) => f.chosen);
  if (chosen)
    process.stdout.write(
      `chosen: ${chosen.ratio.toFixed(4)} of raw (target ≤ ${TARGET_RATIO}: ${chosen.ratio <= TARGET_RATIO ? 'met' : 'missed'})\n`,
    );
}
