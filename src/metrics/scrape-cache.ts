import type { Clock } from '../core/clock.js';

/** How long one scrape's store reads answer the scrapes after it. */
export const METRICS_STORE_READ_TTL_DEFAULT_MS = 1_000;

/**
 * One read shared by every scrape within `ttlMs` of it settling, and by scrapes that arrive
 * while it runs: however many Prometheus servers (or curl loops) scrape, the store sees at
 * most one read in flight and about one a second. A failed read is shared too, for the same
 * reason: a store in trouble is not hammered by the scrapers that noticed.
 */
export class ScrapeCache<T> {
  #current: { value: Promise<T>; settledAt: number | null } | null = null;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  get(): Promise<T> {
    const current = this.#current;
    if (current !== null && (current.settledAt === null || this.clock.now() - current.settledAt < this.ttlMs)) return current.value;
    const entry: { value: Promise<T>; settledAt: number | null } = { value: this.read(), settledAt: null };
    const settle = () => void (entry.settledAt = this.clock.now());
    entry.value.then(settle, settle);
    this.#current = entry;
    return entry.value;
  }
}
