import { describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { ScrapeCache } from './scrape-cache.js';

/** Time that moves only when the test says. */
function manualClock(): Clock & { at: number } {
  return {
    at: 0,
    now() {
      return this.at;
    },
    setTimer: () => () => undefined,
  };
}

/** A read the test settles by hand, counting how often it was started. */
function deferredReads<T>() {
  const pending: { resolve(value: T): void; reject(err: Error): void }[] = [];
  return {
    started: () => pending.length,
    read: () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject })),
    settle: (i: number) => pending[i] as { resolve(value: T): void; reject(err: Error): void },
  };
}

describe('ScrapeCache', () => {
  it('shares a read in flight and its result for ttl after it settled, then reads again', async () => {
    const clock = manualClock();
    const reads = deferredReads<number>();
    const cache = new ScrapeCache(reads.read, clock, 1_000);
    const [a, b] = [cache.get(), cache.get()];
    expect(reads.started()).toBe(1);
    clock.at = 5_000; // a slow read: the ttl counts from when it settles, not from when it began
    reads.settle(0).resolve(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    clock.at = 5_999;
    expect(await cache.get()).toBe(7);
    expect(reads.started()).toBe(1);
    clock.at = 6_000;
    const c = cache.get();
    expect(reads.started()).toBe(2);
    reads.settle(1).resolve(8);
    expect(await c).toBe(8);
  });

  it('shares a failure for ttl too, so scrapers do not pile onto a store in trouble', async () => {
    const clock = manualClock();
    const reads = deferredReads<number>();
    const cache = new ScrapeCache(reads.read, clock, 1_000);
    const a = cache.get();
    reads.settle(0).reject(new Error('store down'));
    await expect(a).rejects.toThrow('store down');
    await expect(cache.get()).rejects.toThrow('store down');
    expect(reads.started()).toBe(1);
    clock.at = 1_000;
    const b = cache.get();
    reads.settle(1).resolve(1);
    expect(await b).toBe(1);
  });
});
