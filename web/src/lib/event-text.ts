import type { EventView } from 'switchboard/sdk';

type RequeueReason = Extract<EventView, { type: 'task.requeued' }>['payload']['reason'];

export type EventTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export interface EventText {
  /** What happened, with the task / agent ids left for the caller to link. */
  verb: string;
  detail: string | null;
  tone: EventTone;
}

/** A payload field worth showing; a row written by an older build may lack it, so it is checked at run time too. */
function str(value: string | null | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** "a: b" of the parts that are there; null when none is. */
function joined(...parts: (string | null)[]): string | null {
  return parts.filter((part) => part !== null).join(': ') || null;
}

const REQUEUE_REASONS: Record<RequeueReason, string> = {
  offer_expired: 'offer expired',
  lease_expired: 'lease expired',
  agent_removed: 'agent removed',
  released: 'released',
  escalated: 'escalated to another agent',
};

/**
 * A short human sentence for one event of the log (activity feed and task timeline).
 * `switch (e.type)` narrows `e.payload` to that type's payload (the SDK's EventView union).
 */
export function describeEvent(e: EventView): EventText {
  const agent = e.agentId;
  switch (e.type) {
    case 'task.created':
      return { verb: 'created', detail: str(e.payload.title), tone: 'neutral' };
    case 'task.updated': {
      const changes = e.payload.changes;
      return { verb: 'edited', detail: Array.isArray(changes) ? changes.join(', ') : null, tone: 'neutral' };
    }
    case 'task.unblocked':
      return { verb: e.payload.reason === 'backoff_over' ? 'ready to retry' : 'unblocked', detail: null, tone: 'info' };
    case 'task.assigned':
      return { verb: 'assigned', detail: agent === null ? null : `to ${agent}`, tone: 'info' };
    case 'task.rejected':
      return {
        verb: 'rejected',
        detail: joined(agent === null ? null : `by ${agent}`, str(e.payload.reason)),
        tone: 'warning',
      };
    case 'task.started':
      return { verb: 'started', detail: agent === null ? null : `by ${agent}`, tone: 'info' };
    case 'task.progressed':
      return {
        verb: 'progressed',
        detail: typeof e.payload.progress === 'number' ? `${String(e.payload.progress)}%` : null,
        tone: 'neutral',
      };
    case 'task.completed':
      return { verb: 'completed', detail: agent === null ? null : `by ${agent}`, tone: 'success' };
    case 'task.failed': {
      const final = e.payload.final === true;
      return { verb: final ? 'failed' : 'failed, will retry', detail: str(e.payload.reason), tone: 'danger' };
    }
    case 'task.requeued':
      // `note`: what the holder said when it released the task (a runner's "usage limit", "worker stopped").
      return {
        verb: 'requeued',
        detail: joined(REQUEUE_REASONS[e.payload.reason] ?? null, str(e.payload.note)),
        tone: 'warning',
      };
    case 'task.cancelled':
      return { verb: 'cancelled', detail: str(e.payload.reason), tone: 'neutral' };
    case 'task.retried':
      return { verb: 'retried', detail: null, tone: 'info' };
    case 'task.promoted':
      return {
        verb: 'aged up',
        detail: typeof e.payload.queueRank === 'number' ? `now ranks as P${String(e.payload.queueRank)}` : null,
        tone: 'neutral',
      };
    case 'task.sla_warning':
      return { verb: 'SLA at risk', detail: null, tone: 'warning' };
    case 'task.sla_violated':
      return { verb: 'SLA violated', detail: null, tone: 'danger' };
    case 'task.escalated': {
      // One step of the escalation policy after an SLA violation: from and to are priorities or agents.
      const from = str(e.payload.from);
      const to = str(e.payload.to);
      return {
        verb: e.payload.step === 'reassigned' ? 'escalated: reassigned' : 'escalated: priority raised',
        detail: from === null && to === null ? null : `${from ?? '?'} → ${to ?? '?'}`,
        tone: 'warning',
      };
    }
    case 'agent.registered':
      return { verb: 'registered', detail: str(e.payload.name), tone: 'success' };
    case 'agent.updated': {
      const changes = e.payload.changes;
      return { verb: 'updated', detail: Array.isArray(changes) ? changes.join(', ') : null, tone: 'neutral' };
    }
    case 'agent.status_changed':
      return { verb: 'is now', detail: String(e.payload.availability ?? '').toLowerCase(), tone: 'info' };
    case 'agent.offline':
      return { verb: 'went offline', detail: str(e.payload.reason), tone: 'warning' };
    case 'agent.overloaded':
      return { verb: 'overloaded', detail: `${String(e.payload.load)}/${String(e.payload.maxConcurrentTasks)}`, tone: 'danger' };
    case 'agent.removed':
      return { verb: 'removed', detail: null, tone: 'neutral' };
    case 'notification.failed': {
      const p = e.payload;
      const where = str(p.channelName);
      const status = typeof p.status === 'number' ? String(p.status) : null;
      return {
        verb: p.dead === true ? 'notification gave up' : 'notification failed',
        detail: joined(where === null ? null : `${where}, attempt ${String(p.attempt)}`, status ?? str(p.detail)),
        tone: p.dead === true ? 'danger' : 'warning',
      };
    }
    default:
      // A type this build does not know yet (a newer server): show its name rather than nothing.
      return { verb: String((e as { type: string }).type), detail: null, tone: 'neutral' };
  }
}
