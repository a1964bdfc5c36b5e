import type { EventView, Metrics } from 'switchboard/sdk';
import { BUCKET_MS, BUCKETS, completionBuckets, rebuildQueueSeries, type QueueSample } from '../lib/history.js';

/** One queue sample per this interval at most: metrics can update many times a second. */
const SAMPLE_MIN_INTERVAL_MS = 5_000;
const MAX_SAMPLES = 1 + (60 * 60 * 1000) / SAMPLE_MIN_INTERVAL_MS;

export interface SeriesSnapshot {
  seeded: boolean;
  /** Start of the first throughput bucket (ms); one bucket per minute. */
  throughputStart: number;
  throughput: readonly number[];
  queue: readonly QueueSample[];
}

type Listener = () => void;

/**
 * The overview's time series: completions per minute and queue depth over the last hour.
 * Seeded once from the event log, then kept live from socket messages, so the charts
 * move without refetching anything.
 */
export class LiveSeries {
  #snapshot: SeriesSnapshot;
  #seededUpTo = 0;
  readonly #early: EventView[] = [];
  readonly #listeners = new Set<Listener>();

  constructor(now: number) {
    const { start, counts } = completionBuckets([], now);
    this.#snapshot = { seeded: false, throughputStart: start, throughput: counts, queue: [] };
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): SeriesSnapshot => this.#snapshot;

  /** Seeds from the event log (newest first or any order) and the metrics at that moment. */
  seed(events: readonly EventView[], metrics: Metrics, now: number, complete: boolean): void {
    const seededUpTo = events.reduce((max, e) => Math.max(max, e.id), 0);
    const later = this.#early.filter((e) => e.id > seededUpTo);
    const { start, counts } = completionBuckets([...events, ...later], now);
    const queue = rebuildQueueSeries(
      events,
      { pending: metrics.byStatus.PENDING, inProgress: metrics.byStatus.IN_PROGRESS },
      now,
      complete,
    );
    const live = this.#snapshot.queue.filter((s) => s.t > now);
    this.#seededUpTo = seededUpTo;
    this.#early.length = 0;
    this.#set({ seeded: true, throughputStart: start, throughput: counts, queue: [...queue, ...live] });
  }

  onEvent(e: EventView, now: number): void {
    if (e.type !== 'task.completed') return;
    if (!this.#snapshot.seeded) {
      this.#early.push(e);
      return;
    }
    if (e.id <= this.#seededUpTo) return;
    const rolled = this.#rolled(now);
    const i = Math.floor((Date.parse(e.at) - rolled.throughputStart) / BUCKET_MS);
    if (i < 0 || i >= BUCKETS) return;
    const throughput = rolled.throughput.slice();
    throughput[i] = (throughput[i] ?? 0) + 1;
    this.#set({ ...rolled, throughput });
  }

  onMetrics(metrics: Metrics, now: number): void {
    if (!this.#snapshot.seeded) return;
    const sample: QueueSample = { t: now, pending: metrics.byStatus.PENDING, inProgress: metrics.byStatus.IN_PROGRESS };
    const queue = this.#snapshot.queue.slice();
    const last = queue.at(-1);
    const prev = queue.at(-2);
    if (last !== undefined && prev !== undefined && last.t - prev.t < SAMPLE_MIN_INTERVAL_MS) queue[queue.length - 1] = sample;
    else queue.push(sample);
    const cutoff = now - 60 * 60 * 1000;
    const trimmed = queue.filter((s) => s.t >= cutoff).slice(-MAX_SAMPLES);
    this.#set({ ...this.#rolled(now), queue: trimmed });
  }

  /** Moves the throughput window to the current minute (called on a timer and before writes). */
  tick(now: number): void {
    const rolled = this.#rolled(now);
    if (rolled !== this.#snapshot) this.#set(rolled);
  }

  #rolled(now: number): SeriesSnapshot {
    const current = this.#snapshot;
    const start = Math.floor(now / BUCKET_MS) * BUCKET_MS - (BUCKETS - 1) * BUCKET_MS;
    const shift = Math.round((start - current.throughputStart) / BUCKET_MS);
    if (shift <= 0) return current;
    const throughput =
      shift >= BUCKETS ? new Array<number>(BUCKETS).fill(0) : [...current.throughput.slice(shift), ...new Array<number>(shift).fill(0)];
    return { ...current, throughputStart: start, throughput };
  }

  #set(next: SeriesSnapshot): void {
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
  }
}
