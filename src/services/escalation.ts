import type { EscalationPolicy } from '../core/escalation.js';
import { raisedPriority } from '../core/escalation.js';
import type { Task } from '../core/task.js';
import { decisionFrom, rankCandidates } from './matching.js';
import type { Work } from './unit-of-work.js';

/**
 * The escalation policy's steps for a task that has just missed its deadline, in the violation's
 * own transaction: raise its priority one step, then hand it to the best other agent with room.
 * Each step is the ordinary transition (task.updated, task.requeued, task.assigned) plus a
 * `task.escalated` event, so the timeline tells why. A step that cannot apply (P0 already, no
 * other agent free, the task not held) is skipped.
 */
export async function escalate(work: Work, violated: Task, policy: EscalationPolicy): Promise<void> {
  const step = policy[violated.priority];
  let task = violated;
  if (step.raisePriority) {
    const to = raisedPriority(task.priority);
    if (to !== null) {
      const from = task.priority;
      task = (await work.apply(task, { type: 'edit', patch: { priority: to } })).task;
      await work.append({ type: 'task.escalated', taskId: task.id, agentId: task.agent, payload: { step: 'priority_raised', from, to } });
    }
  }
  if (step.reassign && task.agent !== null && (task.status === 'ASSIGNED' || task.status === 'IN_PROGRESS')) {
    const from = task.agent;
    const ranked = (await rankCandidates(work.tx, task, work.now)).filter((c) => c.agentId !== from);
    const decision = decisionFrom(ranked, 'auto', work.now);
    if (decision === null) return;
    const queued = (await work.apply(task, { type: 'requeue', reason: 'escalated' })).task;
    const to = decision.chosen.agentId;
    task = (await work.apply(queued, { type: 'assign', agentId: to, decision })).task;
    await work.append({ type: 'task.escalated', taskId: task.id, agentId: to, payload: { step: 'reassigned', from, to } });
  }
}
