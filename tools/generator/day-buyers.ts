import { LOCAL_HOUR_WEIGHTS } from './calendar.js';
import { utcOffsetOf } from './customers.js';
import { activeCount, type Cohort, MAX_AGE, REACTIVATION_RATE, STORE_OPENS, TIERS } from './population.js';
import { cumulative, type Rng } from './random.js';

const HOUR_MIX = cumulative(LOCAL_HOUR_WEIGHTS);
const SERIAL_BITS = 2 ** 24;

/**
 * The customers who order on one day, and when, sorted by time. Memory is one day's buyers in
 * typed arrays (12 bytes each), reused from day to day: a month is never held.
 *
 * Returning customers are found without visiting every customer: within a tier's active prefix
 * (and its lapsed remainder) each member orders today with the same probability, so geometric
 * skips jump from one buyer to the next. Cost: O(buyers + cohorts × tiers) per day.
 */
export class DayBuyers {
  count = 0;
  private numbers = new Int32Array(1024);
  private keys = new Float64Array(1024);

  /** Fills the day with buyers of month `month` (cohorts from STORE_OPENS) and sorts them by time. */
  collect(
    seed: number,
    cohorts: readonly Cohort[],
    month: number,
    day: number,
    share: number,
    season: number,
    rng: Rng,
  ) {
    this.count = 0;
    const lapsedLogMiss = -REACTIVATION_RATE * season * share;
    for (let c = Math.max(STORE_OPENS, month - MAX_AGE); c < month; c++) {
      const cohort = cohorts[c - STORE_OPENS] as Cohort;
      for (let t = 0; t < TIERS.length; t++) {
        const start = cohort.tierStart[t] as number;
        const n = (cohort.tierStart[t + 1] as number) - start;
        const active = activeCount(n, t, month - c);
        const logMiss = -(TIERS[t] as (typeof TIERS)[number]).rate * season * share;
        this.visit(seed, cohort, start, 0, active, logMiss, rng);
        this.visit(seed, cohort, start, active, n, lapsedLogMiss, rng);
      }
    }
    const fresh = cohorts[month - STORE_OPENS] as Cohort;
    for (let j = day ? (fresh.dayEnds[day - 1] as number) : 0; j < (fresh.dayEnds[day] as number); j++) {
      this.add(seed, fresh.base + j, rng);
    }
    this.keys.subarray(0, this.count).sort();
  }

  /** Customer number and UTC second of the day of the `i`-th buyer in time order. */
  numberAt(i: number): number {
    return this.numbers[(this.keys[i] as number) % SERIAL_BITS] as number;
  }

  secondAt(i: number): number {
    return Math.floor((this.keys[i] as number) / SERIAL_BITS);
  }

  /** Buyers among positions [from, to) of a tier, each ordering with probability 1 − e^logMiss. */
  private visit(
    seed: number,
    cohort: Cohort,
    tierStart: number,
    from: number,
    to: number,
    logMiss: number,
    rng: Rng,
  ) {
    if (from >= to || logMiss === 0) return;
    for (let i = from + rng.skip(logMiss); i < to; i += 1 + rng.skip(logMiss)) {
      const local = (cohort.permA * (tierStart + i) + cohort.permB) % cohort.size;
      this.add(seed, cohort.base + local, rng);
    }
  }

  /** Records a buyer at a local hour drawn from the daily profile, converted to UTC. */
  private add(seed: number, number: number, rng: Rng) {
    if (this.count === this.keys.length) this.grow();
    const local = rng.pick(HOUR_MIX) * 3600 + rng.int(3600);
    const utc = (((local - utcOffsetOf(seed, number)) % 86400) + 86400) % 86400;
    this.numbers[this.count] = number;
    this.keys[this.count] = utc * SERIAL_BITS + this.count;
    this.count++;
  }

  private grow() {
    if (this.keys.length >= SERIAL_BITS) throw new RangeError('more than 16.7 million orders in one day');
    const numbers = new Int32Array(this.keys.length * 2);
    const keys = new Float64Array(this.keys.length * 2);
    numbers.set(this.numbers);
    keys.set(this.keys);
    this.numbers = numbers;
    this.keys = keys;
  }
}
