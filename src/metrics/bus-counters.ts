import type { EventBus } from '../services/event-bus.js';
import type { ServerMetrics } from './registry.js';

/**
 * Feeds the assignment metrics from the committed events on the bus. Events another node
 * committed (relayed, `remote`) are skipped: each node counts what it committed, so the
 * sum over nodes counts every assignment once. Returns the unsubscribe.
 */
export function countCommittedEvents(bus: EventBus, metrics: Pick<ServerMetrics, 'observeAssignment'>): () => void {
  return bus.subscribe(({ event, task, remote }) => {
    if (remote === true || event.type !== 'task.assigned') return;
    // The task snapshot published with the event; the stored event's time is the assignment's.
    const createdAt = task?.createdAt ?? event.at;
    metrics.observeAssignment(event.payload.decision.mode, (event.at - createdAt) / 1_000);
  });
}
