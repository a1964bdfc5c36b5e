import type { CancelTimer, Clock } from '../core/clock.js';
import { backoffDelay, type BackoffPolicy, type Channel, type Delivery } from '../core/notification.js';
import type { Store } from '../core/ports.js';
import { loadAgentState } from '../services/agent-state.js';
import type { Logger } from '../services/event-bus.js';
import type { AgentState } from '../services/types.js';
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

/** How long a commit's wake-up waits for more deliveries to join the round. */
export const WAKE_LINGER_MS = 20;

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
  #lingering = false;
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
    this.#lingering = false;
    await this.#running;
  }

  /**
   * After a commit that wrote deliveries: a round in {@link WAKE_LINGER_MS}, so the deliveries of
   * a burst of transitions are claimed, sent and recorded together (two commits per batch
   * rather than per transition) at the cost of a few milliseconds of notification latency.
   */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    if (this.#lingering) return;
    this.#timer?.();
    this.#lingering = true;
    this.#timer = this.deps.clock.setTimer(WAKE_LINGER_MS, () => this.wake());
  }

  /** Runs a round now, or right after the one in flight. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#timer?.();
    this.#timer = null;
    this.#lingering = false;
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
      const agents = await this.#agents(batch);
      const sent = await Promise.all(
        batch.map(async (d) => {
          const channel = channels.get(d.channelId) ?? null;
          return { delivery: d, channel, outcome: channel === null ? null : await this.#send(d, channel, agents) };
        }),
      );
      try {
        await this.#record(sent);
      } catch (err) {
        // The leases expire and the batch is tried again: at least once, even past a store error.
        this.deps.logger.error({ err, deliveries: batch.length }, 'notification outcomes failed to record');
      }
      if (batch.length < settings.batchSize) return;
    }
  }

  /** The agents the batch's events are about, as they are now (one read each, outside any transaction). */
  async #agents(batch: readonly Delivery[]): Promise<Map<string, AgentState>> {
    const ids = new Set<string>();
    for (const d of batch) {
      const id = d.payload.event.agentId ?? d.payload.task?.agent ?? null;
      if (id !== null) ids.add(id);
    }
    const out = new Map<string, AgentState>();
    for (const id of ids) {
      const agent = await loadAgentState(this.deps.store, id);
      if (agent !== null) out.set(id, agent);
    }
    return out;
  }

  async #send(delivery: Delivery, channel: Channel, agents: Map<string, AgentState>): Promise<DeliveryOutcome> {
    if (!channel.enabled) return { ok: false, retryable: false, detail: 'The channel is disabled' };
    const agentId = delivery.payload.event.agentId ?? delivery.payload.task?.agent ?? null;
    const notification = outgoing(delivery, agentId === null ? null : (agents.get(agentId) ?? null), this.deps.publicUrl);
    return sendThrough(this.deps.senders, channel, notification, AbortSignal.timeout(this.deps.settings.timeoutMs));
  }

  /**
   * Records a batch's outcomes in one transaction (one commit for the batch, not one per
   * delivery: the dispatcher's writes queue beside the transitions' on the same store).
   */
  async #record(sent: readonly { delivery: Delivery; channel: Channel | null; outcome: DeliveryOutcome | null }[]): Promise<void> {
    const { backoff } = this.deps.settings;
    await this.deps.runner.run('system', async (work) => {
      for (const { delivery, channel, outcome } of sent) {
        // A deleted channel took its deliveries with it: nothing to record.
        if (channel === null || outcome === null) continue;
        const attempts = delivery.attempts + 1;
        const base = { ...delivery, attempts, lastStatus: outcome.status ?? null, updatedAt: work.now, lockedBy: null, lockedUntil: null };
        if (outcome.ok) {
          await work.tx.notifications.finishAttempt({
            next: { ...base, status: 'delivered', nextAttemptAt: null, lastError: null, deliveredAt: work.now },
            owner: this.deps.owner,
          });
          continue;
        }
        const dead = !outcome.retryable || attempts >= backoff.maxAttempts;
        const next: Delivery = {
          ...base,
          status: dead ? 'dead' : 'failed',
          nextAttemptAt: dead ? null : work.now + backoffDelay(backoff, attempts, this.#random()),
          lastError: outcome.detail,
        };
        if (!(await work.tx.notifications.finishAttempt({ next, owner: this.deps.owner }))) continue; // another node holds it now
        if (!channel.enabled) continue; // disabled on purpose: nothing to alarm anyone about
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
      }
    });
  }
}
