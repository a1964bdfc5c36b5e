import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { QueueCount, Store, StoreReads } from '../core/ports.js';
import { PRIORITIES, type AssignmentDecision } from '../core/task.js';
import type { Logger } from '../services/event-bus.js';
import { processMetrics } from './process-metrics.js';
import { METRICS_STORE_READ_TTL_DEFAULT_MS, ScrapeCache } from './scrape-cache.js';

/** What a claim call came to: a task, nothing within its wait, or an error answered to the agent. */
export type ClaimOutcome = 'task' | 'empty' | 'error';

/** `route` is the route's template (`/api/tasks/:taskId`), never the raw URL: one series per route, however many ids. */
export interface HttpObservation {
  route: string;
  method: string;
  status: number;
}

export interface ServerMetricsOptions {
  /** Where the scrape-time gauges (queue depth, in-flight) read: plain reads, no transaction. */
  store: StoreReads;
  /** Ages the cached store reads (the service clock, so tests drive it). */
  clock: Clock;
  /** A failed scrape-time read is logged here; the other metrics are still served. */
  logger: Logger;
  /** Open Socket.io connections; omitted (no realtime gateway), the gauge reads 0. */
  sockets?: () => number;
  /** How long one scrape's store reads serve the next scrapes (default {@link METRICS_STORE_READ_TTL_DEFAULT_MS}). */
  storeReadTtlMs?: number;
}

/** One scrape's view of the store. */
interface QueueSnapshot {
  queue: QueueCount[];
  inFlight: number;
}

/** Seconds, from a millisecond of bookkeeping to a minute-long claim wait. */
const REQUEST_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds a task waits from creation to its agent: milliseconds under auto dispatch, up to a day for a backlog. */
const WAIT_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 15, 60, 300, 900, 3_600, 14_400, 86_400];
/** Seconds of one store commit: sub-millisecond on SQLite's WAL, tens of ms for a durable remote commit. */
const COMMIT_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** Units of work sharing one commit (1 until group commit batches them). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/**
 * The server's Prometheus metrics (docs/metrics.md), in a registry of its own rather than
 * prom-client's global one, so the many servers a test process starts never share or
 * collide on a series. Counters and histograms are fed as things happen (the event bus,
 * the claim wrapper, the store decorator, the HTTP hook); queue depth, in-flight tasks and
 * sockets are read at scrape time, the store reads through a one-second {@link ScrapeCache}.
 */
export class ServerMetrics {
  readonly #registry = new Registry();
  readonly #snapshot: ScrapeCache<QueueSnapshot>;
  readonly #claims: Counter<'outcome'>;
  readonly #claimSeconds: Histogram<'outcome'>;
  readonly #assignments: Counter<'mode'>;
  readonly #assignmentSeconds: Histogram<'mode'>;
  readonly #commitSeconds: Histogram;
  readonly #batchUnits: Histogram;
  readonly #httpSeconds: Histogram<'route' | 'method' | 'status'>;
  readonly #notificationsFailed: Counter<'channel'>;

  constructor(options: ServerMetricsOptions) {
    const registers = [this.#registry];
    const { store, logger } = options;
    this.#snapshot = new ScrapeCache(
      async () => {
        const [queue, inFlight] = await Promise.all([store.tasks.countQueue(), store.tasks.count({ status: ['ASSIGNED', 'IN_PROGRESS'] })]);
        return { queue, inFlight };
      },
      options.clock,
      options.storeReadTtlMs ?? METRICS_STORE_READ_TTL_DEFAULT_MS,
    );
    /** The snapshot, or null (logged) when the store cannot answer: those gauges go unknown in this scrape, the rest is served. */
    const snapshot = async (): Promise<QueueSnapshot | null> => {
      try {
        return await this.#snapshot.get();
      } catch (err) {
        logger.warn({ err }, 'metrics: store read failed; queue gauges left out of this scrape');
        return null;
      }
    };

    new Gauge({
      name: 'switchboard_queue_depth',
      help: 'PENDING tasks (retry backoff included) by the priority the queue ranks them at (aging raises it) and capability key (the sorted required capabilities, comma-joined; "" for none).',
      labelNames: ['priority', 'capability'] as const,
      registers,
      async collect() {
        this.reset();
        for (const group of (await snapshot())?.queue ?? []) {
          const priority = PRIORITIES[group.queueRank];
          if (priority !== undefined) this.set({ priority, capability: group.capabilityKey }, group.count);
        }
      },
    });
    new Gauge({
      name: 'switchboard_tasks_in_flight',
      help: 'Tasks held by an agent: ASSIGNED (offered) or IN_PROGRESS.',
      registers,
      async collect() {
        // An unlabelled gauge always has a sample: NaN says "unknown", where 0 would say "idle".
        this.set((await snapshot())?.inFlight ?? Number.NaN);
      },
    });
    const sockets = options.sockets ?? (() => 0);
    new Gauge({
      name: 'switchboard_socket_connections',
      help: 'Open Socket.io (engine.io) connections to this node.',
      registers,
      collect() {
        this.set(sockets());
      },
    });
    this.#claims = new Counter({
      name: 'switchboard_claims_total',
      help: 'Pull-mode claims answered by this node, by outcome: task, empty (nothing within waitMs) or error.',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.#claimSeconds = new Histogram({
      name: 'switchboard_claim_duration_seconds',
      help: 'Time to answer a claim, its long-poll wait included, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: REQUEST_BUCKETS_S,
      registers,
    });
    this.#assignments = new Counter({
      name: 'switchboard_assignments_total',
      help: 'Tasks this node assigned (task.assigned events it committed), by decision mode.',
      labelNames: ['mode'] as const,
      registers,
    });
    this.#assignmentSeconds = new Histogram({
      name: 'switchboard_assignment_latency_seconds',
      help: "Time from a task's creation to its assignment, for each assignment this node committed, by decision mode.",
      labelNames: ['mode'] as const,
      buckets: WAIT_BUCKETS_S,
      registers,
    });
    this.#commitSeconds = new Histogram({
      name: 'switchboard_store_commit_seconds',
      help: 'Time of one store commit, from asking for the transaction to its commit.',
      buckets: COMMIT_BUCKETS_S,
      registers,
    });
    this.#batchUnits = new Histogram({
      name: 'switchboard_store_batch_units',
      help: 'Units of work that shared one store commit.',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.#httpSeconds = new Histogram({
      name: 'switchboard_http_request_duration_seconds',
      help: 'HTTP request time by route template (unmatched for no route), method and status code.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: REQUEST_BUCKETS_S,
      registers,
    });
    this.#notificationsFailed = new Counter({
      name: 'switchboard_notifications_failed_total',
      help: 'Notification deliveries that failed, by channel name.',
      labelNames: ['channel'] as const,
      registers,
    });
  }

  /** Every COMMIT of `store` is observed: its duration from BEGIN, and how many units of work it carried. */
  watchCommits(store: Pick<Store, 'onCommit'>): void {
    store.onCommit((units, seconds) => this.observeCommit(seconds, units));
  }

  /** One COMMIT: `seconds` from its BEGIN, carrying `units` units of work (more than 1 when commits are grouped). */
  observeCommit(seconds: number, units: number): void {
    this.#commitSeconds.observe(seconds);
    this.#batchUnits.observe(units);
  }

  /** A notification to `channelName` failed (each failed attempt counts). */
  notificationFailed(channelName: string): void {
    this.#notificationsFailed.inc({ channel: channelName });
  }

  /** A claim call answered after `seconds`. */
  observeClaim(outcome: ClaimOutcome, seconds: number): void {
    this.#claims.inc({ outcome });
    this.#claimSeconds.observe({ outcome }, seconds);
  }

  /** This node committed an assignment, `waitedSeconds` after the task was created. */
  observeAssignment(mode: AssignmentDecision['mode'], waitedSeconds: number): void {
    this.#assignments.inc({ mode });
    this.#assignmentSeconds.observe({ mode }, Math.max(0, waitedSeconds));
  }

  /** One HTTP response sent after `seconds`. */
  observeHttp({ route, method, status }: HttpObservation, seconds: number): void {
    this.#httpSeconds.observe({ route, method, status: String(status) }, seconds);
  }

  /** The `Content-Type` of {@link render}'s text: Prometheus text exposition format 0.0.4. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Every metric in the text exposition format, the process's default metrics included. */
  render(): Promise<string> {
    return Registry.merge([processMetrics(), this.#registry]).metrics();
  }
}
