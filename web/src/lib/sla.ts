import type { TaskView } from 'switchboard/sdk';
import { formatSpan } from './format.js';

/** A task is "at risk" once less than this share of its SLA window remains (or the server warned). */
export const SLA_RISK_SHARE = 0.2;

/**
 * - `ok`: time left; `warning`: server warned or < 20% of the window left;
 * - `overdue`: the deadline passed by the browser's clock, the server has not yet said so;
 * - `violated`: the server marked the violation (`slaViolated`);
 * - `met` / `missed`: the task ended before / after its deadline; `none`: no SLA shown.
 */
export type SlaTone = 'none' | 'ok' | 'warning' | 'overdue' | 'violated' | 'met' | 'missed';

export interface SlaState {
  tone: SlaTone;
  label: string;
  remainingMs: number | null;
}

type SlaFields = Pick<TaskView, 'status' | 'slaDeadline' | 'createdAt' | 'slaWarned' | 'slaViolated'>;

export function slaState(task: SlaFields, now: number): SlaState {
  const deadline = task.slaDeadline === null ? NaN : Date.parse(task.slaDeadline);
  if (Number.isNaN(deadline)) return { tone: 'none', label: 'No SLA', remainingMs: null };
  const remainingMs = deadline - now;
  switch (task.status) {
    case 'COMPLETED':
      return task.slaViolated ? { tone: 'missed', label: 'SLA missed', remainingMs } : { tone: 'met', label: 'SLA met', remainingMs };
    case 'FAILED':
    case 'CANCELLED':
      return { tone: 'none', label: task.slaViolated ? 'SLA missed' : 'Ended', remainingMs };
    case 'BLOCKED':
    case 'PENDING':
    case 'ASSIGNED':
    case 'IN_PROGRESS':
      break;
  }
  if (task.slaViolated) return { tone: 'violated', label: `Overdue ${formatSpan(Math.min(0, remainingMs))}`, remainingMs };
  if (remainingMs <= 0) return { tone: 'overdue', label: `Overdue ${formatSpan(remainingMs)}`, remainingMs };
  const created = task.createdAt === null ? NaN : Date.parse(task.createdAt);
  const windowMs = deadline - created;
  const atRisk = task.slaWarned || (Number.isFinite(windowMs) && windowMs > 0 && remainingMs < windowMs * SLA_RISK_SHARE);
  return { tone: atRisk ? 'warning' : 'ok', label: `${formatSpan(remainingMs)} left`, remainingMs };
}

/** True for the tones an operator should look at now. */
export function slaNeedsAttention(tone: SlaTone): boolean {
  return tone === 'warning' || tone === 'overdue' || tone === 'violated';
}
