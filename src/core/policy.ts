import type { Priority } from './task.js';

/**
 * The tunable rules of the orchestrator. Built from config in main.ts and passed in;
 * defaults live in `DEFAULT_POLICY` so tests and docs share one set of numbers.
 */
export interface Policy {
  /** SLA window per priority when a task gives no `slaDeadline`. */
  slaByPriorityMs: Record<Priority, number>;
  /** Share of the SLA window after which `task.sla_warning` fires (0.8 = 80% gone). */
  slaWarningRatio: number;
  /** How long an offer (ASSIGNED) waits to be started before it goes back to the queue; 0 disables. */
  offerTimeoutMs: number;
  /** How long an IN_PROGRESS task stays held without a heartbeat or progress report; 0 disables. */
  leaseMs: number;
  /** Backoff before a failed attempt is retried: base * 2^(attempt-1), capped at max. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A task waiting this long in PENDING moves up one queue rank (P3 -> P2 ...); 0 disables aging. */
  agingStepMs: number;
}

const HOUR_MS = 3_600_000;

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  slaByPriorityMs: Object.freeze({ P0: 1 * HOUR_MS, P1: 4 * HOUR_MS, P2: 24 * HOUR_MS, P3: 72 * HOUR_MS }),
  slaWarningRatio: 0.8,
  offerTimeoutMs: 5 * 60_000,
  leaseMs: 15 * 60_000,
  retryBaseMs: 30_000,
  retryMaxMs: 30 * 60_000,
  agingStepMs: 2 * HOUR_MS,
});

export function retryDelayMs(policy: Policy, attempt: number): number {
  return Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}

export function slaWarningAt(policy: Policy, createdAt: number, deadline: number): number {
  return Math.round(createdAt + Math.max(0, deadline - createdAt) * policy.slaWarningRatio);
}
