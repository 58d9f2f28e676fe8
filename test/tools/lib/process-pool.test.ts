import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInProcesses, startOrder } from '../../../tools/lib/process-pool.js';

describe('startOrder', () => {
  it('starts the costliest task first, ties in task order', () => {
    const sizes = [0.92, 1.0, 1.48, 1.32, 1.0];
    expect(startOrder(sizes, (s) => s)).toEqual([2, 3, 1, 4, 0]);
  });

  it('keeps task order without a cost', () => {
    expect(startOrder(['a', 'b', 'c'])).toEqual([0, 1, 2]);
  });
});

describe('runInProcesses: the CPU each task reports', () => {
  it("charges a process's start-up to its first task, and a failed task's CPU to no other", async () => {
    // one worker: 400 ms of CPU starting, then a task of none, a failing task of 300 ms and a
    // task of none again
    process.env.BUSY_START_MS = '400';
    try {
      const outcomes = await runInProcesses<{ busyMs: number; fail?: boolean }, number>({
        script: new URL('./fixtures/busy-start-worker.ts', import.meta.url),
        workers: 1,
        tasks: [{ busyMs: 0 }, { busyMs: 300, fail: true }, { busyMs: 0 }],
      });
      const [first, failed, last] = outcomes;
      expect(first).toMatchObject({ ok: true, value: 0 });
      expect(first?.cpuSeconds).toBeGreaterThanOrEqual(0.35);
      expect(failed).toMatchObject({ ok: false, cpuSeconds: 0 });
      expect(last).toMatchObject({ ok: true, value: 0 });
      expect(last?.cpuSeconds).toBeLessThan(0.2);
    } finally {
      delete process.env.BUSY_START_MS;
    }
  });
});

describe("runInProcesses: what a task's helper processes used", () => {
  it("adds their CPU and peak RSS to the task's, a failed task's to no other", async () => {
    const outcomes = await runInProcesses<{ helperCpu: number; helperRss: number; fail?: boolean }, null>({
      script: new URL('./fixtures/helper-usage-worker.ts', import.meta.url),
      workers: 1,
      tasks: [
        { helperCpu: 30, helperRss: 4e9 },
        { helperCpu: 50, helperRss: 8e9, fail: true },
        { helperCpu: 20, helperRss: 1e9 },
      ],
    });
    const [first, failed, last] = outcomes;
    // the process's own CPU is a fraction of a second, its RSS well under 1 GB
    expect(first?.cpuSeconds).toBeGreaterThanOrEqual(30);
    expect(first?.cpuSeconds).toBeLessThan(40);
    expect(first?.maxRssBytes).toBeGreaterThanOrEqual(4e9);
    expect(first?.maxRssBytes).toBeLessThan(5e9);
    expect(failed).toMatchObject({ ok: false, cpuSeconds: 0 });
    expect(last?.cpuSeconds).toBeGreaterThanOrEqual(20);
    expect(last?.cpuSeconds).toBeLessThan(30);
    expect(last?.maxRssBytes).toBeGreaterThanOrEqual(1e9);
    expect(last?.maxRssBytes).toBeLessThan(2e9);
  });
});

describe('runInProcesses: the flags of its children', () => {
  // two cores whatever the machine: at most two children per case
  beforeEach(() => {
    vi.spyOn(os, 'availableParallelism').mockReturnValue(2);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const flagsOf = async (workers: number, tasks: number, singleThreadedGc = true) => {
    const outcomes = await runInProcesses<null, string[]>({
      script: new URL('./fixtures/flags-worker.ts', import.meta.url),
      workers,
      tasks: Array.from({ length: tasks }, () => null),
      singleThreadedGc,
    });
    return outcomes.map((o) => (o.ok ? o.value : o.error.message));
  };

  it('collects garbage on the main thread only when asked and the pool has a process per core', async () => {
    for (const flags of await flagsOf(2, 3)) expect(flags).toContain('--single-threaded-gc');
  });

  it("keeps V8's background GC when not asked, or when cores are left over", async () => {
    for (const flags of await flagsOf(2, 2, false)) expect(flags).not.toContain('--single-threaded-gc');
    for (const flags of await flagsOf(1, 2)) expect(flags).not.toContain('--single-threaded-gc');
    // two workers asked for, one task: the pool is one process, a core is left over
    for (const flags of await flagsOf(2, 1)) expect(flags).not.toContain('--single-threaded-gc');
  });
});
