import { holdsAll } from './capabilities.js';
import { canTakeWork, learnedReliability, type Agent } from './agent.js';
import type { ScoredCandidate, ScoreTerms, Task } from './task.js';

/**
 * Weights of the score terms. They sum to 1, so a score is in [0, 1] and each term's
 * share of the decision can be read off directly (docs/delegation.md).
 */
export const SCORE_WEIGHTS: Readonly<Record<keyof ScoreTerms, number>> = Object.freeze({
  capabilityFit: 0.15,
  reliability: 0.4,
  spareCapacity: 0.2,
  deadlineFit: 0.15,
  recency: 0.1,
});

/** An agent given work this long ago or longer counts as fully rested for the recency term. */
export const RECENCY_WINDOW_MS = 10 * 60_000;

/** How many runners-up are stored with an assignment. */
export const RUNNERS_UP_KEPT = 3;

/** Eligible = can take work now, holds every required capability, not excluded for this task. */
export function isEligible(task: Task, agent: Agent): boolean {
  return canTakeWork(agent) && holdsAll(agent.capabilities, task.requiredCapabilities) && !task.excludedAgents.includes(agent.id);
}

/** Why `agent` cannot take `task` right now, in words for an operator; null when it can. */
export function ineligibility(task: Task, agent: Agent): string | null {
  const missing = task.requiredCapabilities.filter((c) => !agent.capabilities.includes(c));
  if (missing.length > 0) return `it lacks ${missing.join(', ')}`;
  if (task.excludedAgents.includes(agent.id)) return 'it already rejected or failed this task';
  if (agent.availability !== 'AVAILABLE') return `it is ${agent.availability}`;
  if (agent.load >= agent.maxConcurrentTasks) return `it is at capacity (${agent.load}/${agent.maxConcurrentTasks})`;
  return null;
}

/**
 * Why no agent can take `task`, naming the real obstacle: nobody holds the capabilities,
 * or the agents that do are excluded (they rejected or failed it), paused, offline or full.
 */
export function whyNoAgent(task: Task, agents: readonly Agent[]): string {
  const needs = task.requiredCapabilities.length > 0 ? task.requiredCapabilities.join(', ') : null;
  const capable = agents.filter((a) => holdsAll(a.capabilities, task.requiredCapabilities));
  if (agents.length === 0) return 'no agent is registered';
  if (capable.length === 0) return `no registered agent holds ${needs}`;
  const reasons = capable.map((a) => `${a.id}: ${(ineligibility(task, a) ?? 'eligible').replace(/^it /, '')}`);
  const who = needs === null ? 'agent' : `agent holding ${needs}`;
  if (capable.length === 1) return `the only ${who} cannot take it (${reasons[0]})`;
  return `no ${who} can take it (${reasons.join('; ')})`;
}

/**
 * Scores one agent for one task. `expectedDurationMs` is the predicted time the agent
 * needs (from the task's eta or learned durations), or null when nothing is known.
 */
export function scoreAgent(task: Task, agent: Agent, now: number, expectedDurationMs: number | null): ScoredCandidate {
  const preferred = task.preferredCapabilities;
  const held = new Set(agent.capabilities);
  const capabilityFit = preferred.length === 0 ? 1 : preferred.filter((c) => held.has(c)).length / preferred.length;
  const spareCapacity = agent.maxConcurrentTasks > 0 ? Math.max(0, 1 - agent.load / agent.maxConcurrentTasks) : 0;
  const terms: ScoreTerms = {
    capabilityFit,
    reliability: learnedReliability(agent),
    spareCapacity,
    deadlineFit: deadlineFit(task, agent, now, expectedDurationMs),
    recency: agent.lastAssignedAt === null ? 1 : Math.min(1, Math.max(0, now - agent.lastAssignedAt) / RECENCY_WINDOW_MS),
  };
  let score = 0;
  for (const key of Object.keys(SCORE_WEIGHTS) as (keyof ScoreTerms)[]) score += SCORE_WEIGHTS[key] * terms[key];
  return { agentId: agent.id, score: round(score), terms: roundTerms(terms) };
}

/**
 * Ranks the eligible agents for a task, best first; ties go to the lower id so a
 * decision is reproducible.
 */
export function rankAgents(
  task: Task,
  agents: readonly Agent[],
  now: number,
  expectedDurationMs: number | null = parseEtaMs(task.eta),
): ScoredCandidate[] {
  return agents
    .filter((a) => isEligible(task, a))
    .map((a) => scoreAgent(task, a, now, expectedDurationMs))
    .sort((x, y) => y.score - x.score || (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0));
}

/**
 * Predicted finish (now + duration, stretched by the agent's current load) against the
 * deadline: 1 when on time, falling towards 0 the later it is predicted to be.
 */
function deadlineFit(task: Task, agent: Agent, now: number, expectedDurationMs: number | null): number {
  if (expectedDurationMs === null) return 1;
  const finish = now + expectedDurationMs * (1 + agent.load);
  if (finish <= task.slaDeadline) return 1;
  const window = Math.max(1, task.slaDeadline - now);
  return Math.max(0, window / (finish - now));
}

const ETA_UNITS_MS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  d: 86_400_000,
};

/** Reads the seed's free-text eta ("30min", "2-4h", "1d"); the upper bound of a range. */
export function parseEtaMs(eta: string | null): number | null {
  if (eta === null) return null;
  const m = /^\s*(?:\d+(?:\.\d+)?\s*-\s*)?(\d+(?:\.\d+)?)\s*(m|min|mins|h|hr|hrs|d)\s*$/i.exec(eta);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const unit = ETA_UNITS_MS[m[2].toLowerCase()];
  return unit === undefined ? null : Math.round(Number(m[1]) * unit);
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function roundTerms(t: ScoreTerms): ScoreTerms {
  return {
    capabilityFit: round(t.capabilityFit),
    reliability: round(t.reliability),
    spareCapacity: round(t.spareCapacity),
    deadlineFit: round(t.deadlineFit),
    recency: round(t.recency),
  };
}
