import type { Channel, Delivery } from '../core/notification.js';
import { publicSettings, secretNames } from './settings.js';

/** A channel as the API shows it: the settings without secrets, and the names of the secrets that are set. */
export function channelView(c: Channel) {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    events: c.events,
    filters: c.filters,
    enabled: c.enabled,
    settings: publicSettings(c.type, c.settings),
    secrets: secretNames(c.type, c.settings),
    createdAt: c.createdAt,
  };
}

export type ChannelView = ReturnType<typeof channelView>;

/** A delivery as the API shows it (times in epoch ms, as the contract with the dashboard has it); never its payload. */
export function deliveryView(d: Delivery, channelName: string) {
  return {
    id: d.id,
    channelId: d.channelId,
    channelName,
    eventId: d.eventId,
    type: d.type,
    taskId: d.taskId,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    lastStatus: d.lastStatus,
    nextAttemptAt: d.nextAttemptAt,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  };
}

export type DeliveryView = ReturnType<typeof deliveryView>;
