import type { TimerKind } from './ports.js';
import { isTerminal, type Task } from './task.js';

/**
 * When each of a task's timers is due, or null when it is not armed. Both stores
 * persist exactly these values in indexed columns, so timers are rebuilt from the
 * store after a restart and "what is due" is an index range scan.
 */
export function timerDueTimes(task: Task): Record<TimerKind, number | null> {
  const open = !isTerminal(task.status);
  return {
    offer: task.status === 'ASSIGNED' ? task.offerExpiresAt : null,
    lease: task.status === 'IN_PROGRESS' ? task.leaseExpiresAt : null,
    sla_warning: open && !task.slaWarned ? task.slaWarningAt : null,
    sla_violation: open && !task.slaViolated ? task.slaDeadline : null,
    retry: task.status === 'PENDING' ? task.retryAt : null,
    promote: task.status === 'PENDING' ? task.promoteAt : null,
  };
}
