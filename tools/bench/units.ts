/**
 * Memory in MB (10^6 bytes), the unit the benches print and the scale targets use (≤ 512 MB per
 * ETL worker, ≤ 2 GB for dbt). Linux reports peak RSS in KiB (getrusage's ru_maxrss, which is
 * `process.resourceUsage().maxRSS`, and GNU time's `%M`): dividing that by 1024 gives MiB, 4.9 %
 * more than the same bytes in MB.
 */
export const kibToMb = (kib: number): number => (kib * 1024) / 1e6;
