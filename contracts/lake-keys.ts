import { FACT_TABLES, type FactTable } from './fact-tables.js';
import { LAKE } from './lake-layout.js';

/**
 * Object keys the ETL reads and writes (docs/contracts.md, "Lake layout"). Output names derive from the
 * source key alone, so processing a source again overwrites its own files and nobody else's.
 */

/**
 * Raw file extensions the ETL accepts: JSON Lines (or one JSON array, sniffed from the content).
 * The stack's S3 trigger fires on exactly these suffixes under `LAKE.rawPrefix`.
 */
export const RAW_SOURCE_EXTENSIONS = ['.json', '.jsonl', '.ndjson'] as const;

/** True for a raw source object: directly under `raw/store_sales/`, with a JSON extension. */
export function isRawSourceKey(key: string): boolean {
  if (!key.startsWith(LAKE.rawPrefix)) return false;
  const name = key.slice(LAKE.rawPrefix.length);
  return (
    !name.includes('/') && !name.startsWith('.') && RAW_SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext))
  );
}

/** `raw/store_sales/orders_2025_01.json` -> `orders_2025_01.json`: the key's last segment. */
export const keyFileName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** `raw/store_sales/orders_2025_01.json` -> `orders_2025_01`: the base name without extension. */
export function sourceStem(key: string): string {
  const name = keyFileName(key);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** `2025-01` for year 2025, month 1: how partitions are named in results and logs. */
export const partitionLabel = (year: number, month: number): string =>
  `${year}-${String(month).padStart(2, '0')}`;

/** Folder of one partition of a fact table, Hive style with zero-padded string values. */
export const partitionPrefix = (table: FactTable, year: number, month: number): string =>
  `${tablePrefix(table)}order_year=${year}/order_month=${String(month).padStart(2, '0')}/`;

/** The Parquet file one source contributes to one partition. */
export const factFileKey = (table: FactTable, year: number, month: number, stem: string): string =>
  `${partitionPrefix(table, year, month)}${partFileName(stem)}`;

/** `part-<stem>.parquet`: the file name a source owns in every partition it touches. */
export const partFileName = (stem: string): string => `part-${stem}.parquet`;

/** Where a source's rejected records go. */
export const quarantineKey = (stem: string): string => `${LAKE.quarantinePrefix}${stem}.jsonl`;

/** Prefix under which a table's Parquet files live (all partitions). */
export const tablePrefix = (table: FactTable): string => FACT_TABLES[table].prefix;

/** `raw/store_sales/orders_2025_01.json` for year 2025, month 1: the generator's monthly file. */
export const rawMonthKey = (year: number, month: number): string =>
  `${LAKE.rawPrefix}orders_${year}_${String(month).padStart(2, '0')}.json`;

/** The ledger object of one raw key (`state/sources/orders_2025_01.json.json`), kept per raw key
 * because S3 sequencers are comparable only between events of the same key. */
export const sourceLedgerKey = (rawKey: string): string =>
  `${LAKE.sourceLedgerPrefix}${keyFileName(rawKey)}.json`;

/** The raw key a ledger object is kept for (`state/sources/x.json.json` -> `raw/store_sales/x.json`). */
export const ledgerRawKey = (ledgerKey: string): string =>
  `${LAKE.rawPrefix}${ledgerKey.slice(LAKE.sourceLedgerPrefix.length, -'.json'.length)}`;

/** The lease of one raw key (`state/leases/orders_2025_01.json.json`): who runs it now. */
export const sourceLeaseKey = (rawKey: string): string =>
  `${LAKE.sourceLeasePrefix}${keyFileName(rawKey)}.json`;

/** Where the Lambda records why it refused a raw key (two raw files sharing a base name). */
export const refusedSourceKey = (rawKey: string): string =>
  `${LAKE.quarantinePrefix}_refused/${keyFileName(rawKey)}.jsonl`;
