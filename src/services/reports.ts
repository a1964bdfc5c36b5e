import { agentStatus, learnedReliability } from '../core/agent.js';
import type { Store } from '../core/ports.js';
import { loadAllAgentStates } from './agent-state.js';
import type { DelegationReport, Metrics } from './types.js';

/** Events that count as activity in the seed's "recent activity" list. */
const ACTIVITY_TYPES = ['task.assigned', 'task.started', 'task.completed', 'task.failed', 'task.cancelled', 'task.requeued'] as const;
export const RECENT_ACTIVITY_MAX = 10;

/** Counts straight from the store, so the metrics and the report can never drift apart (seed defect 11). */
export async function computeMetrics(store: Store): Promise<Metrics> {
  const [byStatus, byPriority, agents, sla] = await Promise.all([
    store.tasks.countByStatus(),
    store.tasks.countByPriority(),
    store.agents.list(),
    store.tasks.countSla(),
  ]);
  const totalTasks = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    totalTasks,
    completedTasks: byStatus.COMPLETED,
    failedTasks: byStatus.FAILED,
    activeAgents: agents.filter((a) => agentStatus(a) === 'ACTIVE').length,
    byStatus,
    byPriority,
    agents: agents.length,
    slaAtRisk: sla.atRisk,
    slaViolated: sla.violated,
  };
}

/** The seed's delegation report, its fields kept, with the buckets it was missing. */
export async function computeDelegationReport(store: Store): Promise<DelegationReport> {
  const [byStatus, tasksByPriority, agents, events] = await Promise.all([
    store.tasks.countByStatus(),
    store.tasks.countByPriority(),
    loadAllAgentStates(store),
    store.events.list({ types: [...ACTIVITY_TYPES], order: 'desc', limit: RECENT_ACTIVITY_MAX * 5 }),
  ]);
  const latest = new Map<string, { at: number; type: string }>();
  for (const e of events)
    if (e.taskId !== null && !latest.has(e.taskId) && latest.size < RECENT_ACTIVITY_MAX) latest.set(e.taskId, { at: e.at, type: e.type });
  const tasks = await store.tasks.getMany({ ids: [...latest.keys()] });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return {
    summary: {
      totalTasks: Object.values(byStatus).reduce((a, b) => a + b, 0),
      completed: byStatus.COMPLETED,
      inProgress: byStatus.IN_PROGRESS,
      pending: byStatus.PENDING,
      failed: byStatus.FAILED,
      assigned: byStatus.ASSIGNED,
      blocked: byStatus.BLOCKED,
      cancelled: byStatus.CANCELLED,
    },
    tasksByPriority,
    agents: agents.map((a) => ({
      id: a.id,
      name: a.name,
      status: agentStatus(a),
      currentLoad: `${a.currentTasks.length}/${a.maxConcurrentTasks}`,
      reliability: `${Math.round(learnedReliability(a) * 100)}%`,
    })),
    recentActivity: [...latest.entries()].flatMap(([id, { at, type }]) => {
      const t = byId.get(id);
      return t === undefined ? [] : [{ id, name: t.title, status: t.status, agent: t.agent, timestamp: at, event: type }];
    }),
  };
}
