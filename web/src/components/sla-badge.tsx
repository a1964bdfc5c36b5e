import { Clock } from 'lucide-react';
import type { TaskView } from 'switchboard/sdk';
import { useNow } from '../app/services.js';
import { slaState } from '../lib/sla.js';

/** Live SLA countdown: neutral, amber once at risk, red once violated. */
export function SlaBadge({ task }: { task: Pick<TaskView, 'status' | 'slaDeadline' | 'createdAt' | 'slaWarned' | 'slaViolated'> }) {
  const now = useNow(1_000);
  const sla = slaState(task, now);
  if (sla.tone === 'none') return null;
  return (
    <span
      className={`sla sla--${sla.tone}`}
      title={task.slaDeadline === null ? undefined : `SLA deadline ${new Date(task.slaDeadline).toLocaleString()}`}
    >
      <Clock size={12} aria-hidden="true" />
      {sla.label}
    </span>
  );
}
