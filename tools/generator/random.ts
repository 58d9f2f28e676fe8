/**
 * Seeded randomness for the generator. Never `Math.random`: every draw derives from the user's
 * seed, so the same flags give byte-identical files. Two tools:
 * - `hash32(seed, ...parts)`: a stateless 32-bit hash, for facts that must be the same whatever
 *   month asks (a customer's country, a cohort's permutation);
 * - `Rng`: xoshiro128** seeded from such a hash, for a stream of draws (one per day).
 */

/** murmur3's 32-bit finalizer: a bijection on 32-bit integers with good avalanche. */
export function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Stateless hash of a seed (any safe integer) and up to four small integer parts, as an
 * unsigned 32-bit int. The seed's high and low words both enter, so seeds above 2^32 differ
 * too. Fixed arity (no rest array) because it runs several times per order.
 */
export function hash32(seed: number, a: number, b = 0, c = 0, d = 0): number {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9) ^ fmix32(Math.floor(seed / 0x1_0000_0000) + 0x7f4a7c15);
  h = fmix32(h ^ fmix32(a + 0x632be5ab));
  h = fmix32(h ^ fmix32(b + 0x2545f491));
  h = fmix32(h ^ fmix32(c + 0x4f6cdd1d));
  return fmix32(h ^ fmix32(d + 0x1b873593));
}

/** `hash32` scaled to a float in [0, 1). */
export const hashUnit = (seed: number, a: number, b = 0, c = 0): number =>
  hash32(seed, a, b, c) / 0x1_0000_0000;

/** xoshiro128** (Blackman & Vigna): fast, 2^128 period, 32-bit integer arithmetic only. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream whose state is expanded from `key` (e.g. a `hash32`) by splitmix32. */
  constructor(key: number) {
    let s = key >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      return fmix32(s) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1; // the all-zero state is the one fixed point; avoid it
  }

  /** Next unsigned 32-bit integer. */
  uint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Index drawn from a cumulative weight table whose last entry is the total. */
  pick(cumulative: Float64Array | readonly number[]): number {
    const x = this.float() * (cumulative[cumulative.length - 1] as number);
    let i = 0;
    while ((cumulative[i] as number) <= x) i++;
    return i;
  }

  /**
   * Number of failures before the next success of a Bernoulli(q) trial, given `logMiss`
   * = log(1 − q) < 0: lets a caller visit only the successes of a long run of trials.
   */
  skip(logMiss: number): number {
    return Math.floor(Math.log(1 - this.float()) / logMiss);
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Running sums of `weights`, the table `Rng.pick` takes. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (const [i, w] of weights.entries()) {
    sum += w;
    out[i] = sum;
  }
  return out;
}
