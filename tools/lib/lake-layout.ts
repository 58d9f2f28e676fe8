import path from 'node:path';
import { LAKE } from '../../lambda/core/lake-layout.js';

/** The lake layout (defined beside the ETL that writes it), plus helpers for local paths. */
export { LAKE };

/** `raw/store_sales/orders_2025_01.json` for year 2025, month 1. */
export const rawMonthKey = (year: number, month: number): string =>
  `${LAKE.rawPrefix}orders_${year}_${String(month).padStart(2, '0')}.json`;

/** Absolute local path of a lake key. */
export const lakePath = (lake: string, key: string): string => path.join(lake, ...key.split('/'));
