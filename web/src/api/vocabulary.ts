import type { AgentView, EventView, TaskView, TokenView } from 'switchboard/sdk';

/** The closed word lists of the wire, named from the SDK's view types (never spelled out twice). */
export type Priority = TaskView['priority'];
export type TaskStatus = TaskView['status'];
export type AgentStatus = AgentView['status'];
export type AgentKind = AgentView['kind'];

/**
 * Returns `list` unchanged when it names every member of `U`; a member the server gains
 * and the list lacks is a compile error that names it. The lists exist at run time
 * (selects, columns, filters) and in display order, which a type cannot give.
 */
const everyOf =
  <U extends string>() =>
  <const L extends readonly U[]>(list: L & ([Exclude<U, L[number]>] extends [never] ? unknown : { missing: Exclude<U, L[number]> })) =>
    list as readonly U[];

export const PRIORITIES = everyOf<Priority>()(['P0', 'P1', 'P2', 'P3']);
export const TASK_STATUSES = everyOf<TaskStatus>()(['BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED']);
export const AGENT_KINDS = everyOf<AgentKind>()(['ai', 'human', 'service']);
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['COMPLETED', 'FAILED', 'CANCELLED']);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function isPriority(value: string): value is Priority {
  return (PRIORITIES as readonly string[]).includes(value);
}

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

export type EventType = EventView['type'];
/** The event log's types, for the event log filter (grouped: tasks, then agents). */
export const EVENT_TYPES = everyOf<EventType>()([
  'task.created',
  'task.updated',
  'task.unblocked',
  'task.assigned',
  'task.rejected',
  'task.started',
  'task.progressed',
  'task.completed',
  'task.failed',
  'task.requeued',
  'task.cancelled',
  'task.retried',
  'task.promoted',
  'task.sla_warning',
  'task.sla_violated',
  'agent.registered',
  'agent.updated',
  'agent.status_changed',
  'agent.offline',
  'agent.overloaded',
  'agent.removed',
]);

export type Role = TokenView['role'];
export const ROLES = everyOf<Role>()(['admin', 'operator', 'viewer', 'agent']);
