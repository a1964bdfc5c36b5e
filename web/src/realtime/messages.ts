/**
 * The Socket.io messages, typed from the SDK's socket map (itself the gateway's own), so
 * a payload change on the server breaks the type check here rather than the page.
 */
import type { SocketEventName, SocketPayloads } from 'switchboard/sdk';

/** The server-to-client map the page's socket is typed with. */
export type ServerToClientEvents = { [K in SocketEventName]: (payload: SocketPayloads[K]) => void };

/** The dashboard only listens; it sends nothing but the handshake. */
export type ClientToServerEvents = Record<never, never>;

/** One message inside a `batch` frame: its name and payload, kept together so `name` narrows `payload`. */
export type BatchedMessage = SocketPayloads['batch']['messages'][number];

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
