import { useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Ban, RotateCcw, UserPlus } from 'lucide-react';
import { Link, useParams } from 'react-router-dom';
import { SwitchboardApiError, type TaskView } from 'switchboard/sdk';
import { useTask } from '../../api/hooks.js';
import { useTaskAction } from '../../api/mutations.js';
import { queryKeys } from '../../api/query-keys.js';
import { isTerminal } from '../../api/vocabulary.js';
import { PriorityBadge, StatusBadge } from '../../components/badges.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { EmptyState, ErrorState, Skeleton, SkeletonRows } from '../../components/states.js';
import { findTask, type TaskPages } from '../../lib/task-cache.js';
import { Attempts } from './attempts.js';
import { TaskFields } from './task-fields.js';
import { TaskLogPanel } from './task-log.js';
import { TaskResult } from './task-result.js';
import { Timeline } from './timeline.js';
import { WhyThisAgent } from './why-this-agent.js';

function Actions({ task }: { task: TaskView }) {
  const { mutate, isPending } = useTaskAction();
  return (
    <div className="detail__actions">
      {task.status === 'PENDING' && (
        <button
          type="button"
          className="button button--primary"
          disabled={isPending}
          onClick={() => mutate({ action: 'assign', id: task.id })}
        >
          <UserPlus size={14} aria-hidden="true" /> Assign
        </button>
      )}
      {task.status === 'FAILED' && (
        <button type="button" className="button" disabled={isPending} onClick={() => mutate({ action: 'retry', id: task.id })}>
          <RotateCcw size={14} aria-hidden="true" /> Retry
        </button>
      )}
      {!isTerminal(task.status) && (
        <ConfirmButton
          className="button button--ghost"
          confirmClassName="button button--danger"
          label={`Cancel ${task.id}`}
          confirmLabel={`Confirm: cancel ${task.id}`}
          disabled={isPending}
          confirmChildren={
            <>
              <Ban size={14} aria-hidden="true" /> Confirm cancel
            </>
          }
          onConfirm={() => mutate({ action: 'cancel', id: task.id })}
        >
          <Ban size={14} aria-hidden="true" /> Cancel
        </ConfirmButton>
      )}
    </div>
  );
}

export default function TaskDetailView() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const query = useTask(id);
  // Show what the board already knows while the fresh copy loads.
  const task = query.data ?? findTask(client.getQueryData<TaskPages>(queryKeys.allTasks), id);

  return (
    <div className="view" data-view="task-detail">
      <Link to="/board" className="back-link">
        <ArrowLeft size={14} aria-hidden="true" /> Board
      </Link>
      {task === undefined ? (
        query.isError ? (
          query.error instanceof SwitchboardApiError && query.error.code === 'TASK_NOT_FOUND' ? (
            <EmptyState title={`Task ${id} not found`}>
              <Link to="/board">Back to the board</Link>
            </EmptyState>
          ) : (
            <ErrorState error={query.error} onRetry={() => void query.refetch()} />
          )
        ) : (
          <>
            <Skeleton width="50%" height={28} />
            <SkeletonRows rows={6} />
          </>
        )
      ) : (
        <>
          <div className="view__header detail__header">
            <div className="detail__heading">
              <div className="detail__badges">
                <span className="mono muted">{task.id}</span>
                <PriorityBadge priority={task.priority} />
                <StatusBadge status={task.status} />
              </div>
              <h1 className="view__title" data-testid="task-title">
                {task.title}
              </h1>
            </div>
            <Actions task={task} />
          </div>
          <div className="grid grid--detail">
            <TaskFields task={task} />
            <WhyThisAgent task={task} />
          </div>
          <TaskResult task={task} />
          <TaskLogPanel taskId={task.id} />
          <Attempts taskId={task.id} />
          <Timeline taskId={task.id} />
        </>
      )}
    </div>
  );
}
