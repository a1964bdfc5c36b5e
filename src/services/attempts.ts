import type { StoredEvent } from '../core/events.js';
import type { StoreReads } from '../core/ports.js';
import type { Attempt } from './types.js';

/** Events that start or end an attempt; the others say nothing about attempts. */
const ATTEMPT_EVENTS = ['task.started', 'task.completed', 'task.failed', 'task.requeued', 'task.cancelled'] as const;
const PAGE = 1000;

/**
 * A task's attempts, read from its own events (no table of their own, so they can never
 * disagree with the log): one per `task.started`, ended by the next completion, failure,
 * requeue or cancellation. An offer ended before it started is no attempt.
 */
export async function loadAttempts(store: StoreReads, taskId: string): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (let afterId = 0; ;) {
    const page = await store.events.list({ taskId, types: [...ATTEMPT_EVENTS], afterId, order: 'asc', limit: PAGE });
    for (const event of page) apply(attempts, event);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return attempts;
    afterId = last.id;
  }
}

function apply(attempts: Attempt[], e: StoredEvent): void {
  if (e.type === 'task.started') {
    const agentId = e.payload.agentId ?? e.agentId;
    attempts.push({ number: attempts.length + 1, agentId, startedAt: e.at, endedAt: null, outcome: 'running', reason: null, usage: null });
    return;
  }
  const open = attempts.at(-1);
  if (open === undefined || open.outcome !== 'running') return;
  open.endedAt = e.at;
  // Payloads are read as written; one from an older build may lack `usage` or `note`.
  switch (e.type) {
    case 'task.completed':
      Object.assign(open, { outcome: 'completed', usage: e.payload.usage ?? null });
      break;
    case 'task.failed':
      Object.assign(open, { outcome: 'failed', reason: e.payload.reason, usage: e.payload.usage ?? null });
      break;
    case 'task.requeued': {
      const released = e.payload.reason === 'released';
      const reason = released ? (e.payload.note ?? null) : e.payload.reason;
      Object.assign(open, { outcome: released ? 'released' : 'requeued', reason, usage: e.payload.usage ?? null });
      break;
    }
    case 'task.cancelled':
      Object.assign(open, { outcome: 'cancelled', reason: e.payload.reason });
      break;
    default:
      break;
  }
}
