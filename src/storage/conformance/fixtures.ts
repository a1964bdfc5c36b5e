import { expect } from 'vitest';
import type { Agent, NewAgentInput } from '../../core/agent.js';
import { newAgent, newTask } from '../../core/factories.js';
import { DEFAULT_POLICY } from '../../core/policy.js';
import type { Store } from '../../core/ports.js';
import { transition, type TaskAction } from '../../core/state-machine.js';
import type { AssignmentDecision, NewTaskInput, Task } from '../../core/task.js';

/** The fixed "now" of every conformance test: results never depend on the wall clock. */
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const policy = DEFAULT_POLICY;

/** What each test sees: the store the factory built for it (fresh and migrated). */
export interface StoreHarness {
  readonly store: Store;
}

/** A complete decision record, so round-trips cover the nested JSON. */
export function decision(agentId: string, at = T0): AssignmentDecision {
  return {
    mode: 'manual',
    chosen: { agentId, score: 0.75, terms: { capabilityFit: 1, reliability: 0.9, spareCapacity: 0.5, deadlineFit: 1, recency: 0.25 } },
    runnersUp: [
      {
        agentId: `${agentId}-runner-up`,
        score: 0.5,
        terms: { capabilityFit: 0.5, reliability: 0.8, spareCapacity: 1, deadlineFit: 0.7, recency: 1 },
      },
    ],
    consideredCount: 2,
    decidedAt: at,
  };
}

/** Allocates a seq and inserts a new task built by core's factory, in one transaction. */
export async function createTask(
  store: Store,
  input: Partial<NewTaskInput> = {},
  opts: { now?: number; blocked?: boolean } = {},
): Promise<Task> {
  return store.transaction(async (tx) => {
    const seq = await tx.tasks.allocateSeq();
    const task = newTask({ title: `Task ${seq}`, ...input }, { seq, now: opts.now ?? T0, policy, blocked: opts.blocked ?? false });
    await tx.tasks.insert(task);
    return task;
  });
}

/** Inserts a task exactly as given (fields the factory never sets included). */
export async function insertTask(store: Store, task: Task): Promise<void> {
  await store.transaction((tx) => tx.tasks.insert(task));
}

export async function createAgent(store: Store, input: NewAgentInput & { id: string }, now = T0): Promise<Agent> {
  const agent = newAgent(input, now);
  await store.transaction((tx) => tx.agents.insert(agent));
  return agent;
}

export async function insertAgent(store: Store, agent: Agent): Promise<void> {
  await store.transaction((tx) => tx.agents.insert(agent));
}

/**
 * Applies one transition the way the orchestrator does: guarded task update plus the
 * agent's slot change (forced, since these are fixtures, not races) in one transaction.
 */
export async function act(store: Store, task: Task, action: TaskAction, now = T0): Promise<Task> {
  return store.transaction(async (tx) => {
    const result = transition(task, action, { now, policy });
    await tx.tasks.update({ next: result.task, expected: { status: task.status, version: task.version } });
    if (result.slot !== null) await tx.agents.adjustLoad({ ...result.slot, force: true, now });
    return result.task;
  });
}

export function assignAction(agentId: string, at = T0): TaskAction {
  return { type: 'assign', agentId, decision: decision(agentId, at) };
}

/** Awaits a promise expected to reject and returns the reason, so tests can assert on it. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The `code` of a SwitchboardError (or undefined), for tallying outcomes of races. */
export function codeOf(reason: unknown): unknown {
  return typeof reason === 'object' && reason !== null && 'code' in reason ? reason.code : undefined;
}

export function ids(items: readonly { id: string }[]): string[] {
  return items.map((i) => i.id);
}

export function sortedIds(items: readonly { id: string }[]): string[] {
  return ids(items).sort();
}

export async function expectTask(store: Store, task: Task): Promise<void> {
  expect(await store.tasks.get({ id: task.id })).toEqual(task);
}
