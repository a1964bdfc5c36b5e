import { PRIORITIES, type Priority } from './task.js';

/** What happens to a task of one priority when it misses its SLA deadline, beyond the notification. */
export interface EscalationStep {
  /** Raise the task one priority step (P2 to P1); P0 stays. */
  raisePriority: boolean;
  /** Take the task from its agent (offered or running) and give it to the best other eligible agent, if one has room. */
  reassign: boolean;
}

export type EscalationPolicy = Readonly<Record<Priority, Readonly<EscalationStep>>>;

const NONE: EscalationStep = { raisePriority: false, reassign: false };

/**
 * The default escalates by notifying only (the channels' `task.sla_violated`): moving work
 * between agents or re-ranking it on its own is a decision each deployment makes in
 * SWITCHBOARD_ESCALATION, since a reassigned running task loses its attempt.
 */
export const DEFAULT_ESCALATION: EscalationPolicy = { P0: NONE, P1: NONE, P2: NONE, P3: NONE };

/**
 * Reads the SWITCHBOARD_ESCALATION JSON: `{ "P1": { "raisePriority": true, "reassign": true } }`.
 * Priorities left out, and fields left out, are off. Returns an error text instead of throwing.
 */
export function parseEscalation(raw: unknown): EscalationPolicy | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'a JSON object keyed by priority (P0..P3)';
  const out: Record<Priority, EscalationStep> = { P0: NONE, P1: NONE, P2: NONE, P3: NONE };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const priority = PRIORITIES.find((p) => p === key.toUpperCase());
    if (priority === undefined) return `priority keys P0..P3, got "${key}"`;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return `an object of raisePriority/reassign booleans for ${key}`;
    const step = { ...NONE };
    for (const [field, flag] of Object.entries(value as Record<string, unknown>)) {
      if ((field !== 'raisePriority' && field !== 'reassign') || typeof flag !== 'boolean') {
        return `only raisePriority and reassign (booleans) for ${key}, got "${field}"`;
      }
      step[field] = flag;
    }
    out[priority] = step;
  }
  return out;
}

/** The next priority up, or null at P0. */
export function raisedPriority(p: Priority): Priority | null {
  const i = PRIORITIES.indexOf(p);
  return i <= 0 ? null : (PRIORITIES[i - 1] ?? null);
}
