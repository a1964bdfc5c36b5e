import type { TaskView } from 'switchboard/sdk';
import { isPriority, isTaskStatus, TASK_STATUSES, TERMINAL_STATUSES, type Priority, type TaskStatus } from '../api/vocabulary.js';
import { attentionReasons, type AttentionReason, type CapabilityCoverage } from './attention.js';

/** The board's filters; each is a URL query parameter (`?priority=P0,P1&status=PENDING&agent=…&capability=…&q=…`). */
export interface BoardFilters {
  priorities: Priority[];
  statuses: TaskStatus[];
  /** An agent id, `none` for unassigned tasks, or null for any. */
  agent: string | null;
  capability: string | null;
  q: string;
}

export const UNASSIGNED = 'none';

export function parseFilters(params: URLSearchParams): BoardFilters {
  const list = (key: string) =>
    (params.get(key) ?? '')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== '');
  const text = (key: string) => {
    const v = (params.get(key) ?? '').trim();
    return v === '' ? null : v;
  };
  return {
    priorities: list('priority').filter(isPriority),
    statuses: list('status').filter(isTaskStatus),
    agent: text('agent'),
    capability: text('capability')?.toLowerCase() ?? null,
    q: (params.get('q') ?? '').trim(),
  };
}

export function hasFilters(f: BoardFilters): boolean {
  return f.priorities.length > 0 || f.statuses.length > 0 || f.agent !== null || f.capability !== null || f.q !== '';
}

export function matchesFilters(task: TaskView, f: BoardFilters, needle: string): boolean {
  if (f.priorities.length > 0 && !f.priorities.includes(task.priority)) return false;
  if (f.statuses.length > 0 && !f.statuses.includes(task.status)) return false;
  if (f.agent !== null && (f.agent === UNASSIGNED ? task.agent !== null : task.agent !== f.agent)) return false;
  if (f.capability !== null && !task.requiredCapabilities.includes(f.capability) && !task.preferredCapabilities.includes(f.capability))
    return false;
  if (needle !== '') {
    const hay = `${task.id}\n${task.title}\n${task.description}\n${task.labels.join(' ')}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

export interface AttentionItem {
  task: TaskView;
  reasons: AttentionReason[];
}

export interface Board {
  columns: Record<TaskStatus, TaskView[]>;
  attention: AttentionItem[];
  /** Tasks that passed the filters. */
  shown: number;
}

const SEVERITY: Record<AttentionReason, number> = { 'sla-violated': 0, failed: 1, 'sla-at-risk': 2, unassignable: 3, 'blocked-long': 4 };

function ended(t: TaskView): string {
  return t.completedAt ?? t.failedAt ?? t.cancelledAt ?? t.updatedAt ?? '';
}

/** Waiting and running work in queue order (effective rank, SLA deadline, age); ended work newest first. */
function compareOpen(a: TaskView, b: TaskView): number {
  return (
    a.queueRank - b.queueRank ||
    (a.slaDeadline ?? '~').localeCompare(b.slaDeadline ?? '~') ||
    (a.createdAt ?? '').localeCompare(b.createdAt ?? '')
  );
}

function compareEnded(a: TaskView, b: TaskView): number {
  return ended(b).localeCompare(ended(a));
}

/** Groups, sorts and classifies the tasks: the columns by status and the "Needs attention" lane. */
export function buildBoard(tasks: readonly TaskView[], f: BoardFilters, now: number, coverage: CapabilityCoverage | null): Board {
  const columns = Object.fromEntries(TASK_STATUSES.map((s) => [s, [] as TaskView[]])) as Record<TaskStatus, TaskView[]>;
  const attention: AttentionItem[] = [];
  const needle = f.q.toLowerCase();
  let shown = 0;
  for (const task of tasks) {
    if (!matchesFilters(task, f, needle)) continue;
    shown++;
    columns[task.status].push(task);
    const reasons = attentionReasons(task, now, coverage);
    if (reasons.length > 0) attention.push({ task, reasons });
  }
  for (const status of TASK_STATUSES) columns[status].sort(TERMINAL_STATUSES.has(status) ? compareEnded : compareOpen);
  attention.sort(
    (a, b) => SEVERITY[a.reasons[0] as AttentionReason] - SEVERITY[b.reasons[0] as AttentionReason] || compareOpen(a.task, b.task),
  );
  return { columns, attention, shown };
}

/** The id the board gives its "Needs attention" lane, beside the status columns. */
export const ATTENTION_LANE = 'attention';

/**
 * The column a phone opens on, where one column fills the screen: the one holding the most
 * tasks, among the attention lane and the shown statuses that are not ended (history is not
 * what someone opens the board for), the earlier on ties, so the lane wins a tie and an
 * empty board opens on it. Opening on the lane alone showed 1 task of 10.
 */
export function openingColumn(board: Board, statuses: readonly TaskStatus[]): string {
  let best = { id: ATTENTION_LANE, count: board.attention.length };
  for (const status of statuses) {
    const count = board.columns[status].length;
    if (!TERMINAL_STATUSES.has(status) && count > best.count) best = { id: status, count };
  }
  return best.id;
}
