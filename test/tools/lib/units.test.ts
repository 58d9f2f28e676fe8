import { describe, expect, it } from 'vitest';
import { kibToMb } from '../../../tools/lib/units.js';

// The benches print peak RSS in MB, the unit of the targets (≤ 512 MB per ETL worker), from the
// KiB that Linux reports: read as MiB, every figure printed 4.6 % low.
describe('kibToMb', () => {
  it('reads KiB as 1,024 bytes and MB as 10^6 bytes', () => {
    expect(kibToMb(500_000)).toBe(512);
    expect(kibToMb(1_953_125)).toBe(2000);
    expect(kibToMb(0)).toBe(0);
  });
});
