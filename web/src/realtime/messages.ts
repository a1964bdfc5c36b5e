/**
 * The Socket.io messages, typed from the gateway's own map (type-only import: nothing
 * of the server reaches the bundle), so a payload change breaks the type check here.
 */
import type { BatchedMessage, ServerToClientEvents, SocketEventName } from '../../../src/realtime/socket-events.js';

export type { BatchedMessage, ServerToClientEvents };

export type ClientToServerEvents = Record<never, never>;

export const TASK_MESSAGES = [
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
] as const satisfies readonly SocketEventName[];

export const AGENT_MESSAGES = [
  'agent:registered',
  'agent:updated',
  'agent:offline',
  'agent:overload',
] as const satisfies readonly SocketEventName[];
