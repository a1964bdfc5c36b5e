import type { AgentStatus, Priority, TaskStatus } from '../api/vocabulary.js';

export const STATUS_LABELS: Readonly<Record<TaskStatus, string>> = {
  BLOCKED: 'Blocked',
  PENDING: 'Pending',
  ASSIGNED: 'Assigned',
  IN_PROGRESS: 'In progress',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export const PRIORITY_LABELS: Readonly<Record<Priority, string>> = {
  P0: 'P0 · Critical',
  P1: 'P1 · High',
  P2: 'P2 · Normal',
  P3: 'P3 · Low',
};

/** The task's priority as a coloured tag (P0 red, P1 orange, P2 blue, P3 grey). */
export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span className={`priority priority--${priority}`} title={PRIORITY_LABELS[priority]}>
      {priority}
    </span>
  );
}

/** Status as a coloured dot and its label; the same colours on every view. */
export function StatusBadge({ status }: { status: TaskStatus }) {
  return (
    <span className={`status status--${status}`}>
      <span className="status__dot" aria-hidden="true" />
      {STATUS_LABELS[status]}
    </span>
  );
}

const AGENT_STATUS_LABELS: Readonly<Record<AgentStatus, string>> = {
  ACTIVE: 'Active',
  IDLE: 'Idle',
  PAUSED: 'Paused',
  OFFLINE: 'Offline',
};

export function AgentStatusBadge({ status }: { status: AgentStatus }) {
  return (
    <span className={`agent-status agent-status--${status}`}>
      <span className="status__dot" aria-hidden="true" />
      {AGENT_STATUS_LABELS[status]}
    </span>
  );
}

/** Capability names as small chips; `missing` ones (not held by the agent in question) are marked. */
export function CapabilityChips({
  capabilities,
  missing,
  limit,
}: {
  capabilities: readonly string[];
  missing?: ReadonlySet<string>;
  limit?: number;
}) {
  if (capabilities.length === 0) return <span className="muted">none</span>;
  const shown = limit === undefined ? capabilities : capabilities.slice(0, limit);
  const hidden = capabilities.length - shown.length;
  return (
    <span className="chips">
      {shown.map((c) => (
        <span key={c} className={`chip ${missing?.has(c) === true ? 'chip--missing' : ''}`}>
          {c}
        </span>
      ))}
      {hidden > 0 && <span className="chip chip--more">+{hidden}</span>}
    </span>
  );
}

export function ProgressBar({ value, label }: { value: number; label?: string }) {
  const clamped = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
      aria-label={label ?? 'Progress'}
    >
      <div className="progress__bar" style={{ width: `${clamped}%` }} />
    </div>
  );
}
