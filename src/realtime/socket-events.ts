import { assertNever } from '../core/errors.js';
import type { RequeueReason } from '../core/events.js';
import type { Principal } from '../services/auth.js';
import type { Metrics, PublishedEvent } from '../services/types.js';
import { agentView, eventView, taskView, type AgentView, type EventView, type LogLineView, type TaskView } from '../api/views.js';

/**
 * Every Socket.io message the server sends and its payload. The seed's names
 * (`task:assigned`, `task:updated`, `task:failed`, `task:sla-violation`,
 * `agent:overload`) keep their seed shapes; docs/events.md lists them all.
 */
export interface SocketPayloads {
  'task:created': { task: TaskView };
  'task:assigned': { task: TaskView; agent: AgentView };
  'task:started': { task: TaskView };
  'task:updated': { task: TaskView };
  'task:completed': { task: TaskView };
  'task:failed': { task: TaskView; reason: string };
  'task:requeued': { task: TaskView; reason: RequeueReason };
  'task:cancelled': { task: TaskView };
  'task:sla-warning': { task: TaskView };
  'task:sla-violation': { task: TaskView };
  'agent:registered': { agent: AgentView };
  'agent:updated': { agent: AgentView };
  'agent:offline': { agent: AgentView };
  'agent:overload': { agent: AgentView };
  'agent:removed': { agentId: string };
  /** Every domain event, with its id: the stream a client resumes from. */
  event: EventView;
  /** Fresh counts, at most once per throttle window after events. */
  'metrics:updated': { metrics: Metrics };
  /**
   * Lines appended to a task's log, after their commit (on every node). Not a domain event:
   * never inside a `batch`, never replayed on resume; GET /api/tasks/{taskId}/logs?after= catches up.
   */
  'task:log': { taskId: string; lines: LogLineView[] };
  /** Sent once after a resume's replay; `truncated` means more were missed than replayed: reload. */
  'replay:done': { lastEventId: number; replayed: number; truncated: boolean };
  /**
   * For sockets that asked for `auth.batch: true`: every message above that a domain
   * event produces (named and generic), in order, as one frame per flush instead of one
   * per message: a client then decodes a few frames a second however busy the server is.
   */
  batch: { messages: BatchedMessage[] };
}

/** The name of any message the server sends. */
export type SocketEventName = keyof SocketPayloads;

/** Every socket event name at run time (docs/events.md is checked against it). */
export const SOCKET_EVENT_NAMES = [
  'task:created',
  'task:assigned',
  'task:started',
  'task:updated',
  'task:completed',
  'task:failed',
  'task:requeued',
  'task:cancelled',
  'task:sla-warning',
  'task:sla-violation',
  'agent:registered',
  'agent:updated',
  'agent:offline',
  'agent:overload',
  'agent:removed',
  'event',
  'metrics:updated',
  'task:log',
  'replay:done',
  'batch',
] as const satisfies readonly SocketEventName[];

/** Compile-time guard: the list above names every key of SocketPayloads. */
const everyNameListed: [Exclude<SocketEventName, (typeof SOCKET_EVENT_NAMES)[number]>] extends [never] ? true : false = true;
void everyNameListed;

/** The server-to-client map Socket.io is typed with, derived from {@link SocketPayloads}. */
export type ServerToClientEvents = { [K in SocketEventName]: (payload: SocketPayloads[K]) => void };

/** Clients only listen; they send nothing but the handshake. */
export type ClientToServerEvents = Record<never, never>;
/** No server-to-server messages: nodes share events through the store, not through Socket.io. */
export type InterServerEvents = Record<never, never>;

/** What the gateway keeps per connection. */
export interface SocketData {
  principal: Principal;
  /** Asked for `auth.batch: true`: domain-event messages arrive inside `batch` frames. */
  batch: boolean;
}

/** One message to send: a name and its payload, kept together so the pair is always type-correct. */
export type SocketMessage = { [K in SocketEventName]: { name: K; payload: SocketPayloads[K] } }[SocketEventName];

/** A message a `batch` carries: any but a batch. */
export type BatchedMessage = Exclude<SocketMessage, { name: 'batch' }>;

const message = <K extends Exclude<SocketEventName, 'batch' | 'task:log'>>(name: K, payload: SocketPayloads[K]) =>
  ({ name, payload }) as BatchedMessage;

/**
 * Maps one committed domain event to the socket messages it produces: the named
 * messages (the seed's and ours) and, always last, the generic `event`. A named message
 * needs the snapshot it carries; an event published without it still yields `event`.
 */
export function toSocketMessages(published: PublishedEvent): BatchedMessage[] {
  const { event, agent } = published;
  const task = published.task === null ? null : taskView(published.task);
  const agentJson = agent === null ? null : agentView(agent);
  const out: BatchedMessage[] = [];
  const withTask = (
    ...names: (
      'task:created' | 'task:started' | 'task:updated' | 'task:completed' | 'task:cancelled' | 'task:sla-warning' | 'task:sla-violation'
    )[]
  ) => {
    if (task !== null) for (const name of names) out.push(message(name, { task }));
  };
  const withAgent = (name: 'agent:registered' | 'agent:updated' | 'agent:offline' | 'agent:overload') => {
    if (agentJson !== null) out.push(message(name, { agent: agentJson }));
  };

  switch (event.type) {
    case 'task.created':
      withTask('task:created');
      break;
    case 'task.assigned':
      if (task !== null && agentJson !== null) out.push(message('task:assigned', { task, agent: agentJson }));
      else withTask('task:updated');
      break;
    case 'task.started':
      withTask('task:started', 'task:updated');
      break;
    case 'task.progressed':
    case 'task.updated':
    case 'task.unblocked':
    case 'task.promoted':
    case 'task.rejected':
    case 'task.retried':
      withTask('task:updated');
      break;
    // A finished, failed, requeued or cancelled task gives its agent's slot back:
    // the agent's new load goes out with it, so dashboards need not refetch agents.
    case 'task.completed':
      withTask('task:completed', 'task:updated');
      withAgent('agent:updated');
      break;
    case 'task.failed':
      if (task !== null) out.push(message('task:failed', { task, reason: event.payload.reason }));
      withTask('task:updated');
      withAgent('agent:updated');
      break;
    case 'task.requeued':
      if (task !== null) out.push(message('task:requeued', { task, reason: event.payload.reason }));
      withTask('task:updated');
      withAgent('agent:updated');
      break;
    case 'task.cancelled':
      withTask('task:cancelled', 'task:updated');
      withAgent('agent:updated');
      break;
    case 'task.sla_warning':
      withTask('task:sla-warning');
      break;
    case 'task.sla_violated':
      withTask('task:sla-violation');
      break;
    case 'agent.registered':
      withAgent('agent:registered');
      break;
    case 'agent.updated':
    case 'agent.status_changed':
      withAgent('agent:updated');
      break;
    case 'agent.offline':
      withAgent('agent:offline');
      break;
    case 'agent.overloaded':
      withAgent('agent:overload');
      break;
    case 'task.escalated':
      withTask('task:updated');
      break;
    case 'notification.failed':
      break;
    case 'agent.removed':
      if (event.agentId !== null) out.push(message('agent:removed', { agentId: event.agentId }));
      break;
    default:
      return assertNever(event);
  }
  out.push(message('event', eventView(event)));
  return out;
}
