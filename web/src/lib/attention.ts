import type { AgentView, TaskView } from 'switchboard/sdk';
import { slaState } from './sla.js';

/** A BLOCKED task needs a look once it has waited this long for its dependencies. */
export const BLOCKED_ATTENTION_MS = 60 * 60 * 1000;

export type AttentionReason = 'sla-violated' | 'sla-at-risk' | 'failed' | 'blocked-long' | 'unassignable';

export const ATTENTION_LABELS: Readonly<Record<AttentionReason, string>> = {
  'sla-violated': 'SLA violated',
  'sla-at-risk': 'SLA at risk',
  failed: 'Failed',
  'blocked-long': 'Blocked > 1h',
  unassignable: 'No capable agent',
};

/**
 * Answers "can any registered agent (whatever its status) hold every required
 * capability of this task?", memoised per capability set: 10,000 tasks share a
 * handful of sets, so the board stays cheap to recompute.
 */
export class CapabilityCoverage {
  readonly #agentSets: ReadonlySet<string>[];
  readonly #memo = new Map<string, boolean>();

  constructor(agents: readonly Pick<AgentView, 'capabilities'>[]) {
    this.#agentSets = agents.map((a) => new Set(a.capabilities));
  }

  covers(required: readonly string[]): boolean {
    if (required.length === 0) return this.#agentSets.length > 0;
    const key = required.join('\u0000');
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const answer = this.#agentSets.some((set) => required.every((c) => set.has(c)));
    this.#memo.set(key, answer);
    return answer;
  }
}

/**
 * Why a task belongs in the "Needs attention" lane, most severe first; empty when it
 * does not. `coverage` is null while the agents are still loading (nothing is called
 * unassignable before we know who is registered).
 */
export function attentionReasons(task: TaskView, now: number, coverage: CapabilityCoverage | null): AttentionReason[] {
  const reasons: AttentionReason[] = [];
  const sla = slaState(task, now);
  if (sla.tone === 'violated' || sla.tone === 'overdue') reasons.push('sla-violated');
  else if (sla.tone === 'warning') reasons.push('sla-at-risk');
  if (task.status === 'FAILED') reasons.push('failed');
  if (task.status === 'BLOCKED' && task.createdAt !== null && now - Date.parse(task.createdAt) > BLOCKED_ATTENTION_MS)
    reasons.push('blocked-long');
  if (task.status === 'PENDING' && coverage !== null && !coverage.covers(task.requiredCapabilities)) reasons.push('unassignable');
  return reasons;
}
