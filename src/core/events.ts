import type { AgentAvailability } from './agent.js';
import type { AssignmentDecision, Priority, TaskStatus } from './task.js';

/**
 * Every event of the log and its payload. Socket.io names, webhooks and the SDK
 * derive from this one map (see docs/events.md).
 */
export interface DomainEventMap {
  'task.created': { title: string; priority: Priority; status: TaskStatus };
  'task.updated': { changes: string[] };
  'task.unblocked': { reason: 'dependencies_done' | 'backoff_over' };
  'task.assigned': { agentId: string; decision: AssignmentDecision };
  'task.rejected': { agentId: string; reason: string };
  'task.started': { agentId: string | null };
  'task.progressed': { progress: number };
  'task.completed': { agentId: string | null; result: unknown; usage: AttemptUsage | null };
  'task.failed': {
    agentId: string | null;
    reason: string;
    attempts: number;
    final: boolean;
    retryAt: number | null;
    usage: AttemptUsage | null;
  };
  /** `note`: what the holder said when it released the task; null for the timers' and removal's requeues. */
  'task.requeued': { agentId: string | null; reason: RequeueReason; note: string | null; usage: AttemptUsage | null };
  /** `dependency`: set when the task was cancelled because that dependency failed for good or was cancelled. */
  'task.cancelled': { reason: string | null; dependency: string | null };
  'task.retried': Record<string, never>;
  'task.promoted': { queueRank: number };
  'task.sla_warning': { deadline: number };
  'task.sla_violated': { deadline: number };
  /** One step of the escalation policy after an SLA violation (docs/notifications.md). */
  'task.escalated': { step: 'priority_raised' | 'reassigned'; from: string | null; to: string };
  'agent.registered': { name: string; capabilities: string[]; availability: AgentAvailability };
  'agent.updated': { changes: string[] };
  'agent.status_changed': { availability: AgentAvailability };
  'agent.offline': { reason: string };
  'agent.overloaded': { load: number; maxConcurrentTasks: number };
  'agent.removed': { requeued: string[] };
  /** A notification attempt failed; `dead`: no attempt is left (docs/notifications.md). */
  'notification.failed': {
    channelId: string;
    channelName: string;
    deliveryId: string;
    attempt: number;
    status?: number;
    detail: string;
    dead: boolean;
  };
}

export type EventType = keyof DomainEventMap;

export const EVENT_TYPES = [
  'task.created',
  'task.updated',
  'task.unblocked',
  'task.assigned',
  'task.rejected',
  'task.started',
  'task.progressed',
  'task.completed',
  'task.failed',
  'task.requeued',
  'task.cancelled',
  'task.retried',
  'task.promoted',
  'task.sla_warning',
  'task.sla_violated',
  'task.escalated',
  'agent.registered',
  'agent.updated',
  'agent.status_changed',
  'agent.offline',
  'agent.overloaded',
  'agent.removed',
  'notification.failed',
] as const satisfies readonly EventType[];

/**
 * What one attempt cost, as the agent that ran it reports it (tokens, turns, time, the CLI's
 * session). Every field is optional: each CLI reports what it knows.
 */
export interface AttemptUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  turns?: number;
  durationMs?: number;
  costUsd?: number;
  sessionId?: string;
  model?: string;
  profile?: string;
  exitCode?: number | null;
}

/** `escalated`: taken from its agent by the escalation policy after an SLA violation. */
export type RequeueReason = 'offer_expired' | 'lease_expired' | 'agent_removed' | 'released' | 'escalated';

/** An event before the store gives it an id. */
export type EventDraft = {
  [K in EventType]: { type: K; taskId: string | null; agentId: string | null; payload: DomainEventMap[K] };
}[EventType];

/** An event as stored in the append-only log. */
export type StoredEvent = EventDraft & { id: number; at: number; actor: string };
