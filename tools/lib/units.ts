/**
 * Memory in MB (10^6 bytes), the unit the benches print and the scale targets use (≤ 512 MB per
 * ETL worker, ≤ 2 GB for dbt). Linux reports peak RSS in KiB (getrusage's ru_maxrss, which is
 * `process.resourceUsage().maxRSS`, GNU time's `%M`, VmRSS in /proc): divided by 1024 that is
 * MiB, a number 4.6 % below the same bytes in MB (MiB × 1.049 = MB).
 */
export const kibToMb = (kib: number): number => (kib * 1024) / 1e6;
