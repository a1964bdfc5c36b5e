import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { NotificationNotFoundError, ValidationError } from '../core/errors.js';
import type { EventType } from '../core/events.js';
import {
  DEFAULT_CHANNEL_EVENTS,
  type Channel,
  type ChannelFilters,
  type ChannelKind,
  type Delivery,
  type DeliveryStatus,
} from '../core/notification.js';
import type { Store } from '../core/ports.js';
import type { NotificationDispatcher } from './dispatcher.js';
import type { NotificationOutbox } from './outbox.js';
import { newDeliveryId } from './outbox.js';
import { dashboardUrl, sendThrough, type Senders } from './outgoing.js';
import { newWebhookSecret } from './senders/webhook.js';
import { checkSettings, inputPart, mergeSettings } from './settings.js';
import type { DeliveryOutcome, OutgoingNotification } from './types.js';

export interface NewChannelInput {
  type: ChannelKind;
  name: string;
  events?: EventType[];
  filters?: ChannelFilters;
  enabled?: boolean;
  settings: Record<string, unknown>;
}

export type ChannelPatch = Partial<Omit<NewChannelInput, 'type'>>;

/** One page of deliveries, newest first; `nextCursor` continues after the last one. */
export interface DeliveryPage {
  deliveries: Delivery[];
  nextCursor: string | null;
}

export interface NotificationServiceDeps {
  store: Store;
  clock: Clock;
  outbox: NotificationOutbox;
  dispatcher: NotificationDispatcher;
  senders: Senders;
  publicUrl: string | null;
  timeoutMs: number;
}

/**
 * The admin side of notifications behind /api/notifications: channels (secrets generated or
 * accepted here, never handed back), the delivery log, manual retries and test sends. Every
 * channel change drops this node's channel cache, so the next event already sees it.
 */
export class NotificationService {
  constructor(private readonly deps: NotificationServiceDeps) {}

  listChannels(): Promise<Channel[]> {
    return this.deps.store.notifications.listChannels();
  }

  async getChannel(id: string): Promise<Channel> {
    const channel = await this.deps.store.notifications.getChannel({ id });
    if (channel === null) throw new NotificationNotFoundError('channel', id);
    return channel;
  }

  /** A new channel; for a webhook the generated `whsec_` signing secret, returned only here. */
  async createChannel(input: NewChannelInput): Promise<{ channel: Channel; secret: string | null }> {
    checkSettings(input.type, input.settings);
    const secret = input.type === 'webhook' ? newWebhookSecret() : null;
    const now = this.deps.clock.now();
    const channel: Channel = {
      id: `ch_${randomBytes(9).toString('base64url')}`,
      name: input.name,
      type: input.type,
      events: unique(input.events ?? DEFAULT_CHANNEL_EVENTS),
      filters: cleanFilters(input.filters ?? {}),
      enabled: input.enabled ?? true,
      settings: secret === null ? input.settings : { ...input.settings, secret },
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.transaction((tx) => tx.notifications.insertChannel(channel));
    this.deps.outbox.invalidate();
    return { channel, secret };
  }

  async updateChannel(id: string, patch: ChannelPatch): Promise<Channel> {
    const channel = await this.deps.store.transaction(async (tx) => {
      const stored = await tx.notifications.getChannel({ id });
      if (stored === null) throw new NotificationNotFoundError('channel', id);
      let settings = stored.settings;
      if (patch.settings !== undefined) {
        settings = mergeSettings(stored.type, stored.settings, patch.settings);
        checkSettings(stored.type, inputPart(stored.type, settings));
      }
      const next: Channel = {
        ...stored,
        name: patch.name ?? stored.name,
        events: patch.events === undefined ? stored.events : unique(patch.events),
        filters: patch.filters === undefined ? stored.filters : cleanFilters(patch.filters),
        enabled: patch.enabled ?? stored.enabled,
        settings,
        updatedAt: this.deps.clock.now(),
      };
      await tx.notifications.updateChannel(next);
      return next;
    });
    this.deps.outbox.invalidate();
    return channel;
  }

  /** Deletes the channel and its delivery log. */
  async deleteChannel(id: string): Promise<void> {
    const deleted = await this.deps.store.transaction((tx) => tx.notifications.deleteChannel({ id }));
    if (!deleted) throw new NotificationNotFoundError('channel', id);
    this.deps.outbox.invalidate();
  }

  /** Sends a `notification.test` message through the channel now, outside the outbox, and reports what happened. */
  async testChannel(id: string): Promise<DeliveryOutcome> {
    const channel = await this.getChannel(id);
    const now = this.deps.clock.now();
    const at = new Date(now).toISOString();
    const notification: OutgoingNotification = {
      id: newDeliveryId(),
      type: 'notification.test',
      timestamp: now,
      attempt: 1,
      data: {
        event: {
          id: 0,
          type: 'notification.test',
          taskId: null,
          agentId: null,
          actor: 'system',
          at,
          payload: { channelId: channel.id, channelName: channel.name },
        },
        task: null,
        agent: null,
      },
      dashboardUrl: dashboardUrl(this.deps.publicUrl, null),
    };
    return sendThrough(this.deps.senders, channel, notification, AbortSignal.timeout(this.deps.timeoutMs));
  }

  async listDeliveries(params: { channelId?: string; status?: DeliveryStatus; limit: number; cursor?: string }): Promise<DeliveryPage> {
    const before = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
    const deliveries = await this.deps.store.notifications.listDeliveries({
      channelId: params.channelId,
      status: params.status,
      before,
      limit: params.limit,
    });
    const last = deliveries.at(-1);
    return { deliveries, nextCursor: deliveries.length === params.limit && last !== undefined ? encodeCursor(last) : null };
  }

  /** Puts a failed or dead delivery back in line now, or sends a delivered one again (same webhook-id). */
  async retryDelivery(id: string): Promise<Delivery> {
    const delivery = await this.deps.store.transaction((tx) => tx.notifications.reschedule({ id, now: this.deps.clock.now() }));
    if (delivery === null) throw new NotificationNotFoundError('delivery', id);
    this.deps.dispatcher.wake();
    return delivery;
  }

  summary() {
    return this.deps.store.notifications.summary();
  }
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Empty lists are the same as none: keep only filters that filter. */
function cleanFilters(f: ChannelFilters): ChannelFilters {
  const out: ChannelFilters = {};
  for (const key of ['priorities', 'labels', 'capabilities', 'agents'] as const) {
    const list = f[key];
    if (list !== undefined && list.length > 0) out[key] = unique(list);
  }
  return out;
}

function encodeCursor(d: Delivery): string {
  return Buffer.from(JSON.stringify([d.createdAt, d.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string') {
      return { createdAt: parsed[0] as number, id: parsed[1] };
    }
  } catch {
    // fall through: not one of ours
  }
  throw new ValidationError('Invalid cursor: pass the nextCursor of a previous page', { field: '/cursor' });
}
