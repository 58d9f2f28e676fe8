import { describe, expect, it, vi } from 'vitest';
import { keepLease } from '../../../lambda/core/lease.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `done()`: timers may run late on a loaded machine, so no fixed sleeps. */
const until = (done: () => boolean) => vi.waitUntil(done, { timeout: 10_000, interval: 5 });

/** A renew function over a counter: each renewal of the current token returns the next one. */
function renewals({ failFirst = 0, lostAfter = Number.POSITIVE_INFINITY } = {}) {
  const seen: string[] = [];
  let version = 1;
  let calls = 0;
  let lastCallAt = 0;
  const renew = async (token: string): Promise<string | undefined> => {
    calls++;
    lastCallAt = Date.now();
    seen.push(token);
    if (calls <= failFirst) throw new Error('S3 unreachable');
    if (calls > lostAfter || token !== String(version)) return undefined;
    return String(++version);
  };
  return { renew, seen, calls: () => calls, lastCallAt: () => lastCallAt };
}

describe('keepLease: a lease kept while its holder works', () => {
  it('renews every quarter of the TTL, each renewal with the token the one before returned', async () => {
    const r = renewals();
    const kept = keepLease('1', { ttlMs: 40, takenAt: Date.now(), renew: r.renew, onError: () => {} });
    const before = kept.safeUntil;

    await until(() => r.calls() >= 3);
    const last = await kept.stop();

    expect(r.seen.length).toBeGreaterThanOrEqual(3);
    expect(r.seen).toEqual(r.seen.map((_, i) => String(i + 1)));
    expect(last).toBe(String(r.seen.length + 1));
    expect(kept.lost).toBe(false);
    expect(kept.safeUntil).toBeGreaterThan(before);
    // three quarters of a TTL after the last renewal began
    expect(kept.safeUntil).toBeLessThanOrEqual(r.lastCallAt() + 30);
    expect(kept.safeUntil).toBeGreaterThanOrEqual(r.lastCallAt() + 25);
    // stopped: no renewal after stop()
    const calls = r.calls();
    await sleep(30);
    expect(r.calls()).toBe(calls);
  });

  it('keeps trying after a failed renewal, whose deadline it does not move', async () => {
    const r = renewals({ failFirst: 100 });
    const errors: unknown[] = [];
    const takenAt = Date.now();
    const kept = keepLease('1', { ttlMs: 40, takenAt, renew: r.renew, onError: (e) => errors.push(e) });

    await until(() => errors.length >= 2);
    const last = await kept.stop();

    expect(kept.lost).toBe(false);
    expect(last).toBe('1');
    // three quarters of a TTL after it was taken: past it the holder must not publish
    expect(kept.safeUntil).toBe(takenAt + 30);
  });

  it('is lost, and stops renewing, once a renewal finds it taken over', async () => {
    const r = renewals({ lostAfter: 1 });
    const kept = keepLease('1', { ttlMs: 40, takenAt: Date.now(), renew: r.renew, onError: () => {} });

    await until(() => kept.lost);
    await sleep(30);

    expect(r.calls()).toBe(2);
    expect(await kept.stop()).toBe('2');
  });

  it('once stopped during a renewal, waits for it and renews no more', async () => {
    let answer: (token: string) => void = () => {};
    let calls = 0;
    const renew = (token: string) => {
      calls++;
      return new Promise<string>((resolve) => (answer = () => resolve(`${token}+`)));
    };
    const kept = keepLease('1', { ttlMs: 20, takenAt: Date.now(), renew, onError: () => {} });
    await until(() => calls === 1);

    const stopping = kept.stop();
    answer('1');

    expect(await stopping).toBe('1+');
    await sleep(30);
    expect(calls).toBe(1);
  });

  it('does not move its deadline for a renewal that lost a race (the same token back: not extended)', async () => {
    let calls = 0;
    const takenAt = Date.now();
    const kept = keepLease('1', {
      ttlMs: 40,
      takenAt,
      renew: async (token) => {
        calls++;
        return token;
      },
      onError: () => {},
    });
    await until(() => calls >= 2);
    await kept.stop();

    expect(kept.lost).toBe(false);
    expect(kept.safeUntil).toBe(takenAt + 30);
  });
});
