import type { Task } from './task.js';

/**
 * Queue order: effective priority rank (after aging), then earliest SLA deadline, then
 * creation. The stores index exactly this order for PENDING tasks.
 */
export function compareQueueOrder(
  a: Pick<Task, 'queueRank' | 'slaDeadline' | 'seq'>,
  b: Pick<Task, 'queueRank' | 'slaDeadline' | 'seq'>,
): number {
  return a.queueRank - b.queueRank || a.slaDeadline - b.slaDeadline || a.seq - b.seq;
}
