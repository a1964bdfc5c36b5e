import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { TaskView } from 'switchboard/sdk';
import { CapabilityChips, ProgressBar } from '../../components/badges.js';
import { SlaBadge } from '../../components/sla-badge.js';
import { formatDateTime } from '../../lib/format.js';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

const TIMES: readonly { key: keyof TaskView; label: string }[] = [
  { key: 'createdAt', label: 'Created' },
  { key: 'assignedAt', label: 'Assigned' },
  { key: 'startedAt', label: 'Started' },
  { key: 'completedAt', label: 'Completed' },
  { key: 'failedAt', label: 'Failed' },
  { key: 'cancelledAt', label: 'Cancelled' },
  { key: 'updatedAt', label: 'Updated' },
];

/** Every field of the task, as a definition list. */
export function TaskFields({ task }: { task: TaskView }) {
  return (
    <section className="panel" aria-labelledby="fields-title">
      <header className="panel__header">
        <h2 id="fields-title" className="panel__title">
          Details
        </h2>
        <span className="panel__meta mono">v{task.version}</span>
      </header>
      {task.description !== '' && <p className="task-description">{task.description}</p>}
      <dl className="fields">
        <Row label="Agent">
          {task.agent === null ? (
            <span className="muted">Unassigned</span>
          ) : (
            <Link className="link" to={`/agents#agent-${encodeURIComponent(task.agent)}`}>
              {task.agent}
            </Link>
          )}
        </Row>
        <Row label="Progress">
          <span className="fields__progress">
            <ProgressBar value={task.progress} label="Task progress" /> {task.progress}%
          </span>
        </Row>
        <Row label="SLA">
          {task.slaDeadline === null ? (
            <span className="muted">none</span>
          ) : (
            <span className="fields__sla">
              {formatDateTime(task.slaDeadline)} <SlaBadge task={task} />
            </span>
          )}
        </Row>
        <Row label="Required">
          <CapabilityChips capabilities={task.requiredCapabilities} />
        </Row>
        <Row label="Preferred">
          <CapabilityChips capabilities={task.preferredCapabilities} />
        </Row>
        <Row label="Depends on">
          {task.dependsOn.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <span className="chips">
              {task.dependsOn.map((d) => (
                <Link key={d} className="chip chip--link mono" to={`/tasks/${encodeURIComponent(d)}`}>
                  {d}
                </Link>
              ))}
            </span>
          )}
        </Row>
        <Row label="Labels">
          <CapabilityChips capabilities={task.labels} />
        </Row>
        <Row label="Attempts">
          {task.attempts} of {task.maxAttempts}
          {task.retryAt !== null && <span className="muted"> · retry at {formatDateTime(task.retryAt)}</span>}
        </Row>
        {task.failureReason !== null && (
          <Row label="Failure">
            <span className="text-danger">{task.failureReason}</span>
          </Row>
        )}
        {task.eta !== null && <Row label="ETA">{task.eta}</Row>}
        <Row label="Queue rank">P{task.queueRank}</Row>
        {task.excludedAgents.length > 0 && (
          <Row label="Excluded">
            <CapabilityChips capabilities={task.excludedAgents} />
          </Row>
        )}
        {TIMES.map(({ key, label }) => {
          const value = task[key];
          return typeof value === 'string' ? (
            <Row key={key} label={label}>
              {formatDateTime(value)}
            </Row>
          ) : null;
        })}
      </dl>
    </section>
  );
}
