/**
 * The vocabulary of the fact table contract (`fact-tables.ts`): column kinds and how a column is
 * declared. A kind has one representation on every side, which the derivations implement:
 *
 * | kind        | meaning                                  | Parquet (ETL)                 | Glue / Athena    | DuckDB                   |
 * | ----------- | ---------------------------------------- | ----------------------------- | ---------------- | ------------------------ |
 * | `string`    | UTF-8 text                               | BYTE_ARRAY STRING             | `string`         | VARCHAR                  |
 * | `timestamp` | UTC instant, millisecond precision       | INT64 TIMESTAMP(MILLIS, UTC)  | `timestamp`      | TIMESTAMP WITH TIME ZONE |
 * | `date`      | calendar day (UTC)                       | INT32 DATE                    | `date`           | DATE                     |
 * | `int32`     | 32-bit signed integer                    | INT32                         | `int`            | INTEGER                  |
 * | `decimal`   | exact fixed point, `precision`, `scale`  | INT64 DECIMAL (precision ≤ 18) | `decimal(p,s)`  | DECIMAL(p,s)             |
 */
export type FactKind = 'string' | 'timestamp' | 'date' | 'int32' | 'decimal';

/** Parquet writer hints: they change file size and speed, never values. */
export interface EncodingHints {
  /** False where values are (nearly) all distinct in a row group: a dictionary would only cost. */
  readonly dictionary: boolean;
  /** True for columns queries filter on: min/max statistics let engines skip row groups. */
  readonly statistics: boolean;
  /**
   * True for distinct strings that share a long prefix with the row before (fact_orders'
   * order_id, `ORD-YYYYMMDD-…` in time order): DELTA_BYTE_ARRAY stores each value as the length
   * of the prefix it shares and the rest. Not where a value repeats on consecutive rows (the same
   * order_id on every line of fact_order_items), which PLAIN + ZSTD compresses better.
   */
  readonly prefixDelta: boolean;
}

interface ColumnBase<N extends string> extends EncodingHints {
  readonly name: N;
  /** Whether the column may hold NULL (Parquet OPTIONAL). The ETL writes no NULLs today. */
  readonly nullable: boolean;
  /** What a value means, with units; dbt's sources.yml carries the same text. */
  readonly description: string;
}

/** One column of a fact table. */
export type FactColumn<N extends string = string> =
  | (ColumnBase<N> & { readonly kind: Exclude<FactKind, 'decimal'> })
  | (ColumnBase<N> & { readonly kind: 'decimal'; readonly precision: number; readonly scale: number });

/** Defaults: dictionary encoded, no statistics, no prefix delta, never NULL. */
const PLAIN: EncodingHints & { nullable: boolean } = {
  dictionary: true,
  statistics: false,
  prefixDelta: false,
  nullable: false,
};

/** Hints for near-unique values (ids, instants, order-level money). */
export const UNIQUE = { dictionary: false } as const;
/** Hints for columns queries filter on. */
export const FILTERED = { statistics: true } as const;
/** Hints for near-unique columns queries filter on (ids, instants). */
export const UNIQUE_FILTERED = { dictionary: false, statistics: true } as const;

type Options = Partial<EncodingHints & { nullable: boolean }>;

/** A column of a kind other than decimal. */
export const column = <N extends string, K extends Exclude<FactKind, 'decimal'>>(
  name: N,
  kind: K,
  description: string,
  options: Options = {},
) => ({ name, kind, description, ...PLAIN, ...options }) as const;

/** A decimal column; money is `decimal(18, 2)` in the amount's currency unless the name says USD. */
export const decimal = <N extends string>(
  name: N,
  [precision, scale]: readonly [number, number],
  description: string,
  options: Options = {},
) => ({ name, kind: 'decimal', precision, scale, description, ...PLAIN, ...options }) as const;

/** Money: two decimals, up to 16 digits before the point. */
export const MONEY = [18, 2] as const;
/** Exchange rates: six decimals. */
export const RATE = [18, 6] as const;
