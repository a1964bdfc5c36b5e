import { AlertTriangle, Plus } from 'lucide-react';
import { useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { TaskView } from 'switchboard/sdk';
import { useAgents, useAllTasks } from '../../api/hooks.js';
import { useTaskAction } from '../../api/mutations.js';
import { TASK_STATUSES, type TaskStatus } from '../../api/vocabulary.js';
import { useNewTask } from '../../app/new-task-context.js';
import { useNow } from '../../app/services.js';
import { STATUS_LABELS } from '../../components/badges.js';
import { EmptyState, ErrorState, Skeleton } from '../../components/states.js';
import { CapabilityCoverage, type AttentionReason } from '../../lib/attention.js';
import { ATTENTION_LANE, buildBoard, hasFilters, openingColumn, parseFilters } from '../../lib/board-model.js';
import { BoardColumn } from './board-column.js';
import { BoardToolbar } from './board-toolbar.js';
import type { CardAction } from './task-card.js';
import { useCollapsedColumns } from './use-collapsed-columns.js';

/** How often time-based classification (SLA at risk, blocked > 1 h) is recomputed for the whole board. */
const ATTENTION_REFRESH_MS = 5_000;

function BoardSkeleton() {
  return (
    <div className="board" aria-busy="true" aria-label="Loading tasks">
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="column">
          <div className="column__header">
            <Skeleton width={90} height={14} />
          </div>
          <div className="column__body column__body--skeleton">
            {Array.from({ length: 4 }, (_, j) => (
              <Skeleton key={j} height={104} width="100%" />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

export default function BoardView() {
  const [params] = useSearchParams();
  const filters = useMemo(() => parseFilters(params), [params]);
  const all = useAllTasks();
  const agents = useAgents();
  const now = useNow(ATTENTION_REFRESH_MS);
  const tasks = useDeferredValue(all.tasks);
  const { openNewTask } = useNewTask();
  const { mutate: runAction } = useTaskAction();
  const { isCollapsed, setCollapsed } = useCollapsedColumns();

  const coverage = useMemo(() => (agents.data === undefined ? null : new CapabilityCoverage(agents.data)), [agents.data]);
  const board = useMemo(() => buildBoard(tasks, filters, now, coverage), [tasks, filters, now, coverage]);
  const reasons = useMemo(
    () => new Map<string, readonly AttentionReason[]>(board.attention.map((a) => [a.task.id, a.reasons])),
    [board.attention],
  );
  const attentionTasks = useMemo(() => board.attention.map((a) => a.task), [board.attention]);
  const capabilities = useMemo(() => {
    const set = new Set<string>();
    for (const a of agents.data ?? []) for (const c of a.capabilities) set.add(c);
    for (const t of tasks) for (const c of t.requiredCapabilities) set.add(c);
    return [...set].sort();
  }, [agents.data, tasks]);

  const onAction = useCallback(
    (kind: CardAction, task: TaskView) => runAction({ action: kind, id: task.id }),
    // `mutate` is stable, so the memoised cards do not re-render because of this callback.
    [runAction],
  );

  const visible: readonly TaskStatus[] = filters.statuses.length > 0 ? filters.statuses : TASK_STATUSES;

  // Where the columns do not all fit (a phone shows one at a time), open once, when every task
  // has loaded, on the busiest column rather than on the lane that happens to come first.
  const boardRef = useRef<HTMLDivElement>(null);
  const opened = useRef(false);
  // `tasks` lags `all.tasks` while React defers it: choose from the board of every task only.
  const opening = all.isComplete && tasks === all.tasks ? openingColumn(board, visible) : null;
  useLayoutEffect(() => {
    const el = boardRef.current;
    if (opening === null || el === null || opened.current) return;
    opened.current = true;
    if (el.scrollWidth <= el.clientWidth || el.scrollLeft > 0) return;
    el.querySelector(`[data-column="${opening}"]`)?.scrollIntoView({ block: 'nearest', inline: 'start' });
  }, [opening]);

  let body;
  if (all.isLoading) body = <BoardSkeleton />;
  else if (all.error !== null && all.tasks.length === 0)
    body = <ErrorState error={all.error} onRetry={all.retry} title="Could not load tasks" />;
  else if (all.tasks.length === 0)
    body = (
      <EmptyState title="No tasks yet">
        <p>Create a task and assign it to an agent; it shows up here in real time.</p>
        <button type="button" className="button button--primary" onClick={openNewTask}>
          <Plus size={14} aria-hidden="true" /> New task
        </button>
      </EmptyState>
    );
  else
    body = (
      <div ref={boardRef} className="board" data-testid="board">
        <BoardColumn
          id={ATTENTION_LANE}
          title="Needs attention"
          tone="attention"
          lane
          tasks={attentionTasks}
          reasons={reasons}
          onAction={onAction}
          empty={<span className="muted">Nothing needs attention</span>}
        />
        {visible.map((status) => {
          const collapsed = isCollapsed(status, board.columns[status].length, filters.statuses.length === 0);
          return (
            <BoardColumn
              key={status}
              id={status}
              title={STATUS_LABELS[status]}
              tone={status}
              tasks={board.columns[status]}
              onAction={onAction}
              collapsed={collapsed}
              onToggle={() => setCollapsed(status, !collapsed)}
              empty={<span className="muted">{hasFilters(filters) ? 'No matching tasks' : 'No tasks'}</span>}
            />
          );
        })}
      </div>
    );

  return (
    <div className="view view--board" data-view="board">
      <div className="view__header">
        <div>
          <h1 className="view__title">Board</h1>
          <p className="view__subtitle">Every task by status, updated live.</p>
        </div>
      </div>
      <BoardToolbar
        filters={filters}
        agents={agents.data ?? []}
        capabilities={capabilities}
        shown={board.shown}
        total={all.tasks.length}
        loading={!all.isComplete}
      />
      {all.error !== null && all.tasks.length > 0 && (
        <div className="banner banner--warning" role="alert">
          <AlertTriangle size={14} aria-hidden="true" /> Some tasks could not be loaded.{' '}
          <button type="button" className="link-button" onClick={all.retry}>
            Retry
          </button>
        </div>
      )}
      {body}
    </div>
  );
}
