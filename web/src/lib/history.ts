import type { EventType, EventView } from 'switchboard/sdk';
import type { TaskStatus } from '../api/vocabulary.js';

/** The overview's charts cover the last hour, one bucket per minute. */
export const HISTORY_WINDOW_MS = 60 * 60 * 1000;
export const BUCKET_MS = 60 * 1000;
export const BUCKETS = HISTORY_WINDOW_MS / BUCKET_MS;

/** The event types that move a task between statuses (what the queue chart is rebuilt from). */
export const HISTORY_EVENT_TYPES: readonly EventType[] = [
  'task.created',
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
];

export interface QueueSample {
  t: number;
  pending: number;
  inProgress: number;
}

/** The status a task is in after the event (null: the event does not move it). */
export function statusAfter(e: EventView): TaskStatus | null {
  switch (e.type) {
    case 'task.created': {
      const status = e.payload.status;
      return status === 'BLOCKED' ? 'BLOCKED' : 'PENDING';
    }
    case 'task.unblocked':
    case 'task.rejected':
    case 'task.requeued':
    case 'task.retried':
      return 'PENDING';
    case 'task.assigned':
      return 'ASSIGNED';
    case 'task.started':
    case 'task.progressed':
      return 'IN_PROGRESS';
    case 'task.completed':
      return 'COMPLETED';
    case 'task.failed':
      return e.payload.final === true ? 'FAILED' : 'PENDING';
    case 'task.cancelled':
      return 'CANCELLED';
    default:
      return null;
  }
}

/** Best guess of the status before an event when the window holds no earlier event of that task. */
export function statusBefore(e: EventView): TaskStatus | null {
  switch (e.type) {
    case 'task.created':
      return null;
    case 'task.unblocked':
      return e.payload.reason === 'backoff_over' ? 'PENDING' : 'BLOCKED';
    case 'task.assigned':
      return 'PENDING';
    case 'task.rejected':
    case 'task.started':
      return 'ASSIGNED';
    case 'task.progressed':
    case 'task.completed':
      return 'IN_PROGRESS';
    case 'task.failed':
      return e.agentId === null ? 'PENDING' : 'IN_PROGRESS';
    case 'task.requeued':
      return e.payload.reason === 'offer_expired' ? 'ASSIGNED' : 'IN_PROGRESS';
    case 'task.retried':
      return 'FAILED';
    case 'task.cancelled':
      return 'PENDING';
    default:
      return null;
  }
}

interface Step {
  at: number;
  before: TaskStatus | null;
  after: TaskStatus;
}

/**
 * Rebuilds the queue-depth series (PENDING and IN_PROGRESS, one sample a minute) of the
 * last hour by walking the event log backwards from today's counts. `complete` says the
 * events reach back to the start of the window; when not, samples start at the oldest
 * event (earlier we do not know).
 */
export function rebuildQueueSeries(
  events: readonly EventView[],
  current: { pending: number; inProgress: number },
  now: number,
  complete: boolean,
): QueueSample[] {
  const ascending = events.filter((e) => e.taskId !== null).sort((a, b) => a.id - b.id);
  const lastStatus = new Map<string, TaskStatus>();
  const steps: Step[] = [];
  for (const e of ascending) {
    const taskId = e.taskId as string;
    const before = lastStatus.get(taskId) ?? statusBefore(e);
    const after = statusAfter(e) ?? before;
    if (after === null) continue;
    lastStatus.set(taskId, after);
    if (after !== before) steps.push({ at: Date.parse(e.at), before, after });
  }
  // Counts after each step, walking back from now.
  let pending = current.pending;
  let inProgress = current.inProgress;
  const states: { at: number; pending: number; inProgress: number }[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i] as Step;
    states.push({ at: s.at, pending, inProgress });
    if (s.after === 'PENDING') pending--;
    if (s.after === 'IN_PROGRESS') inProgress--;
    if (s.before === 'PENDING') pending++;
    if (s.before === 'IN_PROGRESS') inProgress++;
  }
  const initial = { pending, inProgress };
  states.reverse();
  const windowStart = Math.floor(now / BUCKET_MS) * BUCKET_MS - (BUCKETS - 1) * BUCKET_MS;
  const firstKnown = complete || states.length === 0 ? windowStart : (states[0] as { at: number }).at;
  const samples: QueueSample[] = [];
  let k = 0;
  let state = initial;
  for (let t = windowStart; t <= now; t += BUCKET_MS) {
    while (k < states.length && (states[k] as { at: number }).at <= t) state = states[k++] as typeof state;
    if (t >= firstKnown) samples.push({ t, pending: Math.max(0, state.pending), inProgress: Math.max(0, state.inProgress) });
  }
  samples.push({ t: now, pending: current.pending, inProgress: current.inProgress });
  return samples;
}

/** Completions per minute over the last hour: BUCKETS counts, oldest first, the last one the current minute. */
export function completionBuckets(events: readonly Pick<EventView, 'type' | 'at'>[], now: number): { start: number; counts: number[] } {
  const start = Math.floor(now / BUCKET_MS) * BUCKET_MS - (BUCKETS - 1) * BUCKET_MS;
  const counts = new Array<number>(BUCKETS).fill(0);
  for (const e of events) {
    if (e.type !== 'task.completed') continue;
    const i = Math.floor((Date.parse(e.at) - start) / BUCKET_MS);
    if (i >= 0 && i < BUCKETS) counts[i] = (counts[i] ?? 0) + 1;
  }
  return { start, counts };
}
