import { Ban, Bot, RotateCcw, UserPlus } from 'lucide-react';
import { memo } from 'react';
import { Link } from 'react-router-dom';
import type { TaskView } from 'switchboard/sdk';
import { isTerminal } from '../../api/vocabulary.js';
import { CapabilityChips, PriorityBadge, ProgressBar } from '../../components/badges.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { SlaBadge } from '../../components/sla-badge.js';
import { ATTENTION_LABELS, type AttentionReason } from '../../lib/attention.js';
import { slaState } from '../../lib/sla.js';

export type CardAction = 'assign' | 'cancel' | 'retry';

interface Props {
  task: TaskView;
  reasons?: readonly AttentionReason[];
  onAction: (action: CardAction, task: TaskView) => void;
}

/**
 * One task on the board. `data-*` attributes expose what the browser tests (and
 * curious operators in devtools) need: id, status and the SLA state.
 */
export const TaskCard = memo(function TaskCard({ task, reasons, onAction }: Props) {
  const sla = slaState(task, Date.now());

  const showProgress = task.status === 'IN_PROGRESS' || task.status === 'ASSIGNED' || (task.progress > 0 && task.status !== 'COMPLETED');
  return (
    <article
      className={`card card--${task.priority}`}
      data-task-id={task.id}
      data-status={task.status}
      data-sla={task.slaViolated ? 'violated' : sla.tone}
      aria-label={`${task.id} ${task.title}`}
    >
      <div className="card__top">
        <PriorityBadge priority={task.priority} />
        <span className="card__id mono">{task.id}</span>
        <span className="card__spacer" />
        <SlaBadge task={task} />
      </div>
      <Link className="card__title" to={`/tasks/${encodeURIComponent(task.id)}`}>
        {task.title}
      </Link>
      {reasons !== undefined && reasons.length > 0 && (
        <div className="card__reasons">
          {reasons.map((r) => (
            <span key={r} className={`reason reason--${r}`} data-reason={r}>
              {ATTENTION_LABELS[r]}
            </span>
          ))}
        </div>
      )}
      {task.requiredCapabilities.length > 0 && (
        <div className="card__caps">
          <CapabilityChips capabilities={task.requiredCapabilities} limit={4} />
        </div>
      )}
      <div className="card__meta">
        <span className={`card__agent ${task.agent === null ? 'muted' : ''}`}>
          <Bot size={12} aria-hidden="true" />
          <span className="card__agent-name">{task.agent ?? 'Unassigned'}</span>
        </span>
        {showProgress && (
          <span className="card__progress">
            <ProgressBar value={task.progress} label={`${task.id} progress`} />
            <span className="card__percent">{task.progress}%</span>
          </span>
        )}
      </div>
      {!isTerminal(task.status) || task.status === 'FAILED' ? (
        <div className="card__actions">
          {task.status === 'PENDING' && (
            <button
              type="button"
              className="button button--small"
              onClick={() => onAction('assign', task)}
              aria-label={`Assign ${task.id}`}
            >
              <UserPlus size={12} aria-hidden="true" /> Assign
            </button>
          )}
          {task.status === 'FAILED' && (
            <button type="button" className="button button--small" onClick={() => onAction('retry', task)} aria-label={`Retry ${task.id}`}>
              <RotateCcw size={12} aria-hidden="true" /> Retry
            </button>
          )}
          {!isTerminal(task.status) && (
            <ConfirmButton
              className="button button--small button--quiet"
              confirmClassName="button button--small button--danger"
              label={`Cancel ${task.id}`}
              confirmLabel={`Confirm: cancel ${task.id}`}
              confirmChildren={
                <>
                  <Ban size={12} aria-hidden="true" /> Confirm cancel
                </>
              }
              onConfirm={() => onAction('cancel', task)}
            >
              <Ban size={12} aria-hidden="true" /> Cancel
            </ConfirmButton>
          )}
        </div>
      ) : null}
    </article>
  );
});
