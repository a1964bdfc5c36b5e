import { randomBytes } from 'node:crypto';
import { anyChannelWants, channelWants, dedupKey, type Channel } from '../core/notification.js';
import type { StoredEvent } from '../core/events.js';
import type { StoreTx } from '../core/ports.js';
import type { Task } from '../core/task.js';
import type { OutboxHook } from '../services/unit-of-work.js';

/** How long this node trusts its copy of the channel list; another node's change is seen within it. */
export const CHANNEL_CACHE_DEFAULT_MS = 2_000;

/** A Standard Webhooks message id: `msg_` and 24 random base64url characters. */
export function newDeliveryId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

/**
 * The outbox side of notifications: for each appended event, the deliveries its rules ask for,
 * written in the event's own transaction (so a rolled-back transition notifies nobody and a
 * committed one cannot lose its notification). The rows are one statement, and hold the event and
 * the task the transition already has: no read. Channels are few and rarely change: they are
 * cached per node for `cacheMs` (a local change invalidates at once), so an event no channel
 * subscribes to costs no query at all and a transition is not slowed by channels it does not concern.
 */
export class NotificationOutbox implements OutboxHook {
  #channels: Channel[] | null = null;
  #loadedAt = 0;
  #onCommitted: () => void = () => undefined;

  constructor(
    private readonly cacheMs: number = CHANNEL_CACHE_DEFAULT_MS,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  /** The dispatcher's wake-up, called after a commit that wrote deliveries. */
  onCommitted(fn: () => void): void {
    this.#onCommitted = fn;
  }

  /** Drops the cached channels: the next event reads them again (called on every channel change here). */
  invalidate(): void {
    this.#channels = null;
  }

  committed(): void {
    this.#onCommitted();
  }

  async enqueue(tx: StoreTx, event: StoredEvent, known: Task | undefined, now: number): Promise<number> {
    const channels = await this.#load(tx);
    if (!anyChannelWants(channels, event.type)) return 0;
    const task = known ?? (event.taskId === null ? null : await tx.tasks.get({ id: event.taskId }));
    const wanted = channels.filter((c) => channelWants(c, event, task));
    if (wanted.length === 0) return 0;
    const key = dedupKey(event);
    return tx.notifications.enqueue(
      wanted.map((channel) => ({
        id: newDeliveryId(),
        channelId: channel.id,
        eventId: event.id,
        type: event.type,
        taskId: event.taskId,
        payload: { event, task },
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        lastStatus: null,
        lockedUntil: null,
        lockedBy: null,
        dedupKey: key,
        createdAt: now,
        updatedAt: now,
        deliveredAt: null,
      })),
    );
  }

  async #load(tx: StoreTx): Promise<Channel[]> {
    const at = this.monotonic();
    if (this.#channels === null || at - this.#loadedAt > this.cacheMs) {
      this.#channels = await tx.notifications.listChannels();
      this.#loadedAt = at;
    }
    return this.#channels;
  }
}
