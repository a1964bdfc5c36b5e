import type { AgentView, EventView, TaskView, TokenView } from 'switchboard/sdk';
import { PRIORITIES, TASK_STATUSES } from '../../../src/core/task.js';

/**
 * The closed word lists of the wire. The types come from the SDK's view types; the lists
 * (which selects, columns and filters need at run time, in display order) are the server's
 * own, imported from the pure core modules that declare them (test/web/imports.test.ts lists
 * them), so the dashboard never spells a status or an event type twice.
 */
export type Priority = TaskView['priority'];
export type TaskStatus = TaskView['status'];
export type AgentStatus = AgentView['status'];
export type AgentKind = AgentView['kind'];
export type EventType = EventView['type'];
export type Role = TokenView['role'];

export { PRIORITIES, TASK_STATUSES, TERMINAL_STATUSES, isTerminal } from '../../../src/core/task.js';
export { AGENT_KINDS } from '../../../src/core/agent.js';
/** The event log's types, for the event log filter (grouped: tasks, then agents). */
export { EVENT_TYPES } from '../../../src/core/events.js';
export { ROLES } from '../../../src/core/access.js';

export function isPriority(value: string): value is Priority {
  return (PRIORITIES as readonly string[]).includes(value);
}

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}
