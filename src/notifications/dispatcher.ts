import type { CancelTimer, Clock } from '../core/clock.js';
import { backoffDelay, type BackoffPolicy, type Channel, type Delivery } from '../core/notification.js';
import type { Store } from '../core/ports.js';
import type { Logger } from '../services/event-bus.js';
import type { WorkRunner } from '../services/unit-of-work.js';
import { outgoing, sendThrough, type Senders } from './outgoing.js';
import type { DeliveryOutcome } from './types.js';

/** The dispatcher's knobs (SWITCHBOARD_NOTIFY_*, see src/config.ts and docs/notifications.md). */
export interface DispatcherSettings {
  /** How often due deliveries are looked for when nothing wakes the dispatcher (retries, other nodes' rows). */
  pollMs: number;
  /** Deliveries claimed and sent at once. */
  batchSize: number;
  /** Longest wait for one send; the lease is a multiple of it, so a live node never loses a claim mid-send. */
  timeoutMs: number;
  backoff: BackoffPolicy;
}

/** Counts failures in /metrics when the metrics helper's registry is wired in. */
export interface NotificationMetrics {
  notificationFailed(channelName: string): void;
}

export interface DispatcherDeps {
  store: Store;
  /** Records outcomes through the unit of work, so notification.failed is an event like any other (and notifies other channels). */
  runner: WorkRunner;
  clock: Clock;
  senders: Senders;
  logger: Logger;
  settings: DispatcherSettings;
  /** This node's name on the leases it takes. */
  owner: string;
  publicUrl: string | null;
  metrics?: NotificationMetrics;
  /** [0, 1) for the backoff jitter. */
  random?: () => number;
}

/**
 * Delivers the outbox at least once. Each round leases a batch of due deliveries to this node
 * (one node per delivery: SKIP LOCKED on PostgreSQL), sends them concurrently with a timeout,
 * and records each outcome under the lease. A failure is retried with exponential backoff and
 * jitter until the attempt budget is spent, then the delivery is dead; every failed attempt
 * appends `notification.failed`. A node that dies mid-send leaves a lease that expires, and
 * whichever node polls next delivers it: a duplicate is possible, with the same webhook-id.
 * Runs beside the transitions, never inside them: a slow receiver delays only its own delivery.
 */
export class NotificationDispatcher {
  #timer: CancelTimer | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = true;
  readonly #random: () => number;

  constructor(private readonly deps: DispatcherDeps) {
    this.#random = deps.random ?? Math.random;
  }

  /** The lease: long enough for a send that times out, short enough that a dead node's claims come back soon. */
  get leaseMs(): number {
    return this.deps.settings.timeoutMs * 2 + 1_000;
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Stops polling and waits for the round in flight (its sends time out at worst). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.();
    this.#timer = null;
    await this.#running;
  }

  /** Runs a round now (after a commit that wrote deliveries), or right after the one in flight. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#timer?.();
    this.#timer = null;
    this.#running = this.#rounds()
      .catch((err: unknown) => this.deps.logger.error({ err }, 'notification dispatch failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        } else if (!this.#stopped) {
          this.#timer = this.deps.clock.setTimer(this.deps.settings.pollMs, () => this.wake());
        }
      });
  }

  /** Resolves when no round is in flight (tests). */
  async idle(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  async #rounds(): Promise<void> {
    const { store, settings, owner, clock } = this.deps;
    while (!this.#stopped) {
      const batch = await store.transaction((tx) =>
        tx.notifications.claimDue({ now: clock.now(), limit: settings.batchSize, owner, leaseMs: this.leaseMs }),
      );
      if (batch.length === 0) return;
      const channels = new Map((await store.notifications.listChannels()).map((c) => [c.id, c]));
      await Promise.all(batch.map((d) => this.#deliver(d, channels.get(d.channelId) ?? null)));
      if (batch.length < settings.batchSize) return;
    }
  }

  async #deliver(delivery: Delivery, channel: Channel | null): Promise<void> {
    try {
      // A deleted channel took its deliveries with it; the lease just lapses on nothing.
      if (channel === null) return;
      const outcome: DeliveryOutcome = channel.enabled
        ? await sendThrough(
            this.deps.senders,
            channel,
            outgoing(delivery, this.deps.publicUrl),
            AbortSignal.timeout(this.deps.settings.timeoutMs),
          )
        : { ok: false, retryable: false, detail: 'The channel is disabled' };
      await this.#record(delivery, channel, outcome);
    } catch (err) {
      // The lease expires and the delivery is tried again: at least once, even past a store error.
      this.deps.logger.error({ err, deliveryId: delivery.id }, 'notification delivery failed to record');
    }
  }

  async #record(delivery: Delivery, channel: Channel, outcome: DeliveryOutcome): Promise<void> {
    const { backoff } = this.deps.settings;
    await this.deps.runner.run('system', async (work) => {
      const attempts = delivery.attempts + 1;
      const base = { ...delivery, attempts, lastStatus: outcome.status ?? null, updatedAt: work.now, lockedBy: null, lockedUntil: null };
      if (outcome.ok) {
        await work.tx.notifications.finishAttempt({
          next: { ...base, status: 'delivered', nextAttemptAt: null, lastError: null, deliveredAt: work.now },
          owner: this.deps.owner,
        });
        return;
      }
      const dead = !outcome.retryable || attempts >= backoff.maxAttempts;
      const next: Delivery = {
        ...base,
        status: dead ? 'dead' : 'failed',
        nextAttemptAt: dead ? null : work.now + backoffDelay(backoff, attempts, this.#random()),
        lastError: outcome.detail,
      };
      if (!(await work.tx.notifications.finishAttempt({ next, owner: this.deps.owner }))) return; // another node holds it now
      if (!channel.enabled) return; // disabled on purpose: nothing to alarm anyone about
      this.deps.metrics?.notificationFailed(channel.name);
      await work.append(
        {
          type: 'notification.failed',
          taskId: delivery.taskId,
          agentId: null,
          payload: {
            channelId: channel.id,
            channelName: channel.name,
            deliveryId: delivery.id,
            attempt: attempts,
            ...(outcome.status === undefined ? {} : { status: outcome.status }),
            detail: outcome.detail,
            dead,
          },
        },
        // Other channels hear of the first failure and of the give-up, not of every retry; a failed
        // failure notice is only logged, or two broken channels would notify each other forever.
        { notify: delivery.type !== 'notification.failed' && (attempts === 1 || dead) },
      );
    });
  }
}
