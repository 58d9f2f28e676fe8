import { describe, expect, it } from 'vitest';
import { monthIndex } from '../../../tools/generator/calendar.js';
import { generateMonthOrders } from '../../../tools/generator/index.js';
import { buildCohorts, STORE_OPENS } from '../../../tools/generator/population.js';
import { hash32, Rng } from '../../../tools/generator/random.js';

describe('population', () => {
  it('derives every cohort from the seed alone, whatever the last month asked for', () => {
    const short = buildCohorts(5000, 42, monthIndex(2025, 1));
    const long = buildCohorts(5000, 42, monthIndex(2026, 6));

    expect(long.slice(0, short.length)).toEqual(short);
    expect(short[0]?.month).toBe(STORE_OPENS);
  });

  it('numbers customers contiguously from 1, one block per cohort', () => {
    const cohorts = buildCohorts(5000, 42, monthIndex(2025, 12));

    expect(cohorts[0]?.base).toBe(1);
    for (let i = 1; i < cohorts.length; i++) {
      const [prev, cur] = [cohorts[i - 1], cohorts[i]];
      expect(cur?.base).toBe((prev?.base as number) + (prev?.size as number));
      expect(cur?.size).toBeGreaterThan(0);
    }
  });

  it('produces about --orders-per-month orders per month on average over a year', () => {
    const spec = { from: '2025-01', months: 12, ordersPerMonth: 1500, seed: 9 };
    let total = 0;
    for (let m = 1; m <= 12; m++) for (const _ of generateMonthOrders(spec, 2025, m)) total++;

    expect(total / 12).toBeGreaterThan(1500 * 0.95);
    expect(total / 12).toBeLessThan(1500 * 1.05);
  });
});

describe('random', () => {
  it('repeats a stream for the same key and differs for another', () => {
    const draw = (key: number) => {
      const rng = new Rng(key);
      return Array.from({ length: 5 }, () => rng.uint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('hashes seeds that differ only above 2^32 differently', () => {
    expect(hash32(2 ** 33 + 5, 1)).not.toBe(hash32(5, 1));
  });

  it('draws uniform floats and weighted picks in proportion', () => {
    const rng = new Rng(7);
    const counts = [0, 0, 0];
    let sum = 0;
    for (let i = 0; i < 30_000; i++) {
      sum += rng.float();
      const k = rng.pick([1, 3, 6]);
      counts[k] = (counts[k] as number) + 1;
    }
    expect(sum / 30_000).toBeCloseTo(0.5, 1);
    expect((counts[0] as number) / 30_000).toBeCloseTo(1 / 6, 1);
    expect((counts[1] as number) / 30_000).toBeCloseTo(2 / 6, 1);
  });

  it('skips to the next success of a Bernoulli trial at the right rate', () => {
    const rng = new Rng(3);
    const q = 0.05;
    let hits = 0;
    for (let i = rng.skip(Math.log1p(-q)); i < 100_000; i += 1 + rng.skip(Math.log1p(-q))) hits++;
    expect(hits / 100_000).toBeCloseTo(q, 2);
  });
});
