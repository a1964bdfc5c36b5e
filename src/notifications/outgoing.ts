import { agentView, eventView, taskView } from '../api/views.js';
import type { Channel, Delivery } from '../core/notification.js';
import type { AgentState } from '../services/types.js';
import type { StoredWebhookSettings } from './senders/webhook.js';
import type { ChannelSender, DeliveryOutcome, EmailSettings, OutgoingNotification, SlackSettings } from './types.js';

/** One sender per channel type; a type without one (not built in) fails its deliveries visibly. */
export interface Senders {
  webhook?: ChannelSender<StoredWebhookSettings>;
  slack?: ChannelSender<SlackSettings>;
  email?: ChannelSender<EmailSettings>;
}

/** The dashboard's page of a task, when SWITCHBOARD_PUBLIC_URL says where the dashboard is. */
export function dashboardUrl(publicUrl: string | null, taskId: string | null): string | null {
  return publicUrl === null || taskId === null ? null : `${publicUrl.replace(/\/+$/, '')}/tasks/${encodeURIComponent(taskId)}`;
}

/**
 * A delivery as senders see it: API views (ISO times, like the REST API) of the event and task
 * written with it, and of the agent as it is now (`agent`, read by the dispatcher).
 */
export function outgoing(delivery: Delivery, agent: AgentState | null, publicUrl: string | null): OutgoingNotification {
  const { event, task } = delivery.payload;
  return {
    id: delivery.id,
    type: delivery.type,
    timestamp: event.at,
    attempt: delivery.attempts + 1,
    data: {
      event: eventView(event) as unknown as Record<string, unknown>,
      task: task === null ? null : (taskView(task) as unknown as Record<string, unknown>),
      agent: agent === null ? null : (agentView(agent) as unknown as Record<string, unknown>),
    },
    dashboardUrl: dashboardUrl(publicUrl, delivery.taskId),
  };
}

/** Sends through the channel's sender; a sender that throws counts as a retryable failure, never as a crash. */
export async function sendThrough(
  senders: Senders,
  channel: Channel,
  notification: OutgoingNotification,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  try {
    // Settings were validated for the type when the channel was written (routes/notifications.ts).
    switch (channel.type) {
      case 'webhook':
        if (senders.webhook !== undefined)
          return await senders.webhook.send(channel.settings as unknown as StoredWebhookSettings, notification, signal);
        break;
      case 'slack':
        if (senders.slack !== undefined)
          return await senders.slack.send(channel.settings as unknown as SlackSettings, notification, signal);
        break;
      case 'email':
        if (senders.email !== undefined)
          return await senders.email.send(channel.settings as unknown as EmailSettings, notification, signal);
        break;
    }
  } catch (err) {
    return { ok: false, retryable: true, detail: signal.aborted ? 'timed out' : err instanceof Error ? err.message : String(err) };
  }
  return { ok: false, retryable: false, detail: `This server has no sender for ${channel.type} channels` };
}
