import type { Logger } from '../services/event-bus.js';
import type { Actor, OrchestratorApi } from '../services/types.js';
import { DEMO_AGENTS, DEMO_TASKS } from './seed-data.js';

/** The actor the demo's history is written under in the event log. */
export const DEMO_ACTOR: Actor = 'system:demo';

/** What loadDemo did, so main.ts and tests can tell a load from a skip. */
export interface DemoResult {
  loaded: boolean;
  tasks: number;
  agents: number;
  /** Seed id -> id the store gave (equal on an empty store). */
  ids: Record<string, string>;
}

/**
 * Loads the seed's demo (10 tasks, 6 agents) into an empty store, through the use cases
 * only, so the demo has a real event history and obeys the state machine.
 *
 * Agents are registered, then paused while the finished and running tasks are assigned
 * to their historical agent (forced: a paused agent takes no work otherwise), started and
 * completed; this keeps automatic dispatch from handing that history to someone else.
 * Unpausing lets automatic dispatch assign the pending tasks at once (TASK-005 to
 * copilot-agent, TASK-007 to agent-qr-feature, TASK-008 to agent-n8n-integration),
 * which the seed never did by itself; TASK-010 stays pending: nobody has its capabilities.
 * In manual dispatch mode they all stay pending, as in the seed.
 */
export async function loadDemo(orchestrator: OrchestratorApi, actor: Actor = DEMO_ACTOR, logger?: Logger): Promise<DemoResult> {
  const existingTasks = await orchestrator.listTasks({ limit: 1 });
  const existingAgents = await orchestrator.listAgents();
  if (existingTasks.tasks.length > 0 || existingAgents.length > 0) {
    logger?.info({ tasks: existingTasks.tasks.length, agents: existingAgents.length }, 'demo: store is not empty, demo data not loaded');
    return { loaded: false, tasks: 0, agents: 0, ids: {} };
  }

  for (const agent of DEMO_AGENTS) {
    await orchestrator.registerAgent(agent, actor);
    await orchestrator.setAgentStatus(agent.id, 'PAUSED', actor);
  }

  const ids: Record<string, string> = {};
  for (const demo of DEMO_TASKS) {
    const task = await orchestrator.createTask(
      {
        title: demo.title,
        description: demo.description,
        priority: demo.priority,
        eta: demo.eta,
        requiredCapabilities: demo.requiredCapabilities,
        preferredCapabilities: demo.preferredCapabilities,
      },
      actor,
    );
    ids[demo.seedId] = task.id;
    if (task.id !== demo.seedId) logger?.warn({ seedId: demo.seedId, id: task.id }, 'demo: task id differs from the seed');

    const state = demo.state;
    if (state.status === 'PENDING') continue;
    await orchestrator.assignTask(task.id, { agentId: state.agentId, force: true }, actor);
    await orchestrator.startTask(task.id, {}, actor);
    if (state.status === 'IN_PROGRESS') await orchestrator.reportProgress(task.id, { progress: state.progress }, {}, actor);
    else await orchestrator.completeTask(task.id, null, {}, actor);
  }

  for (const agent of DEMO_AGENTS) await orchestrator.setAgentStatus(agent.id, 'ACTIVE', actor);
  logger?.info({ tasks: DEMO_TASKS.length, agents: DEMO_AGENTS.length }, 'demo: loaded the seed tasks and agents');
  return { loaded: true, tasks: DEMO_TASKS.length, agents: DEMO_AGENTS.length, ids };
}
