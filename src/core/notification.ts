import type { EventType, StoredEvent } from './events.js';
import type { Task } from './task.js';

/**
 * Notification channels and their outbox (issue 10). Pure rules only: which channel wants
 * which event, the dedup key that makes "one per task per type per deadline" a unique index,
 * and the retry backoff. The services send; the stores keep rows.
 */
export const CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_TYPES)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
/** pending: not tried yet; failed: tried, will be tried again; delivered and dead are final (until a manual retry). */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What a channel subscribes to when its creator names no events (issue 10, "Rules"). */
export const DEFAULT_CHANNEL_EVENTS: readonly EventType[] = [
  'task.sla_warning',
  'task.sla_violated',
  'task.failed',
  'agent.offline',
  'agent.overloaded',
  'notification.failed',
];

/** Every list present must match; an empty or absent list matches everything. */
export interface ChannelFilters {
  priorities?: string[];
  labels?: string[];
  capabilities?: string[];
  agents?: string[];
}

export interface Channel {
  id: string;
  name: string;
  type: ChannelKind;
  events: EventType[];
  filters: ChannelFilters;
  enabled: boolean;
  /** The sender's settings, secrets included: only the store and the sender ever see them whole. */
  settings: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/**
 * What a delivery carries: the event and its task as the transition left it (both already in
 * hand, so writing them costs the transition no read). The agent is read when the notification
 * is sent: agents change rarely, and a read here would slow every transition a channel wants.
 */
export interface DeliverySnapshot {
  event: StoredEvent;
  task: Task | null;
}

export interface Delivery {
  /** `msg_...`: the Standard Webhooks webhook-id, the same on every attempt. */
  id: string;
  channelId: string;
  eventId: number;
  type: EventType;
  taskId: string | null;
  payload: DeliverySnapshot;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due; null once delivered or dead. */
  nextAttemptAt: number | null;
  lastError: string | null;
  lastStatus: number | null;
  /** A claim holds the row until then; an expired lease (a dead node) lets another node take it. */
  lockedUntil: number | null;
  lockedBy: string | null;
  /** See {@link dedupKey}. */
  dedupKey: string;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

/** Whether `channel` wants `event` (about `task`, if any). A filter on a task field never matches an event without a task. */
export function channelWants(channel: Channel, event: StoredEvent, task: Task | null): boolean {
  if (!channel.enabled || !channel.events.includes(event.type)) return false;
  // A channel's own failures go elsewhere: telling a broken channel it is broken only fails again.
  if (event.type === 'notification.failed' && event.payload.channelId === channel.id) return false;
  const f = channel.filters;
  const any = (wanted: string[] | undefined, have: readonly string[]) =>
    wanted === undefined || wanted.length === 0 || wanted.some((w) => have.includes(w));
  const taskOnly = (wanted: string[] | undefined) => wanted === undefined || wanted.length === 0 || task !== null;
  if (!taskOnly(f.priorities) || !taskOnly(f.labels) || !taskOnly(f.capabilities)) return false;
  if (task !== null && !any(f.priorities, [task.priority])) return false;
  if (task !== null && !any(f.labels, task.labels)) return false;
  if (task !== null && !any(f.capabilities, task.requiredCapabilities)) return false;
  const agents = [event.agentId, task?.agent ?? null].filter((a): a is string => a !== null);
  return any(f.agents, agents);
}

/** Whether any channel could want this type: the outbox skips all work (no task read) for the others. */
export function anyChannelWants(channels: readonly Channel[], type: EventType): boolean {
  return channels.some((c) => c.enabled && c.events.includes(type));
}

/**
 * Unique per channel. SLA events key on task, type and deadline, so a re-fired timer (two
 * nodes, a restart) never notifies twice, while a moved deadline warns again. Every other
 * event keys on its own id: one notification per event per channel.
 */
export function dedupKey(event: StoredEvent): string {
  if ((event.type === 'task.sla_warning' || event.type === 'task.sla_violated') && event.taskId !== null) {
    return `${event.type}:${event.taskId}:${event.payload.deadline}`;
  }
  return `event:${event.id}`;
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * Delay before attempt `attempts + 1`: base doubling per attempt, capped, with "equal jitter"
 * (half fixed, half random) so receivers coming back are not hit by every node at once.
 * `random` in [0, 1).
 */
export function backoffDelay(policy: BackoffPolicy, attempts: number, random: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}
