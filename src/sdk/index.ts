/**
 * `switchboard/sdk`: the typed client of a Switchboard server, for Node 20 and browsers.
 * Everything the server is made of stays out: this entry and what it imports at run time
 * live in src/sdk (test/sdk/import-graph.test.ts keeps it so).
 */
export { createClient, type ClientOptions, type SwitchboardClient } from './client.js';
export type {
  LiveEventName,
  RealtimeOptions,
  ReplayDone,
  SocketEventName,
  SocketPayloads,
  SubscribeOptions,
  Subscription,
} from './events.js';
export { storableLogText } from './log-text.js';
export { SwitchboardApiError, SwitchboardClientError, type ClientErrorCode } from './errors.js';
export { IDEMPOTENCY_KEY_HEADER, LEASE_TOKEN_HEADER, type TransportOptions } from './http.js';
export { OPERATIONS, OPERATION_ALIASES, type HttpMethod, type OperationName } from './operations.js';
export type { CreateOptions, ReportOptions, RequestOptions } from './resources.js';
export type * from './wire.js';
export {
  CLAIM_WAIT_DEFAULT_MS,
  HEARTBEAT_DEFAULT_MS,
  LOG_FLUSH_LINES,
  LOG_FLUSH_MS,
  STOPPED_REASON,
  completed,
  failed,
  released,
  type AbortReason,
  type TaskLifecycleEvent,
  type WorkOutcome,
  type WorkContext,
  type WorkLogger,
  type WorkOptions,
  type Worker,
} from './work-loop.js';
