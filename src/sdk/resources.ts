import { IDEMPOTENCY_KEY_HEADER, LEASE_TOKEN_HEADER, type Send } from './http.js';
import type * as Wire from './wire.js';

/** Per-call options every method takes: cancel the request with an AbortSignal. */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** Options of a create: the same key within the server's window returns the first result instead of a second resource. */
export interface CreateOptions extends RequestOptions {
  idempotencyKey?: string;
}

/** Options of an agent's report on a task: the lease's fencing token, so a superseded holder's report is refused (STALE_LEASE). */
export interface ReportOptions extends RequestOptions {
  leaseToken?: number;
}

const leaseHeaders = (o: ReportOptions | undefined) =>
  o?.leaseToken === undefined ? undefined : { [LEASE_TOKEN_HEADER]: String(o.leaseToken) };
const signalOf = (o: RequestOptions | undefined) => (o?.signal === undefined ? {} : { signal: o.signal });

/**
 * Tasks: reads, CRUD and every transition. Each method returns the server's envelope as
 * it is on the wire (`{ success, task }`, `{ success, tasks, count, total, nextCursor }`):
 * one contract, the same one the OpenAPI document shows.
 */
export function tasksResource(send: Send) {
  const task = (taskId: string) => ({ taskId });
  return {
    list: (query: Wire.TaskListQuery = {}, o?: RequestOptions) => send<Wire.TaskListResponse>('tasks.list', { query, ...signalOf(o) }),
    /** The seed's by-status list (any case, echoed as sent). */
    byStatus: (status: string, o?: RequestOptions) =>
      send<Wire.TasksByStatusResponse>('tasks.byStatus', { params: { status }, ...signalOf(o) }),
    /** The seed's by-priority list (any case, echoed as sent). */
    byPriority: (priority: string, o?: RequestOptions) =>
      send<Wire.TasksByPriorityResponse>('tasks.byPriority', { params: { priority }, ...signalOf(o) }),
    get: (taskId: string, o?: RequestOptions) => send<Wire.TaskResponse>('tasks.get', { params: task(taskId), ...signalOf(o) }),
    create: (input: Wire.CreateTaskInput, o?: CreateOptions) =>
      send<Wire.TaskResponse>('tasks.create', {
        body: input,
        headers: { [IDEMPOTENCY_KEY_HEADER]: o?.idempotencyKey },
        ...signalOf(o),
      }),
    update: (taskId: string, patch: Wire.UpdateTaskInput, o?: RequestOptions) =>
      send<Wire.TaskResponse>('tasks.update', { params: task(taskId), body: patch, ...signalOf(o) }),
    /** To the best eligible agent, or to `agentId` (`force`: even if not eligible). */
    assign: (taskId: string, input: Wire.AssignInput = {}, o?: RequestOptions) =>
      send<Wire.AssignResponse>('tasks.assign', { params: task(taskId), body: input, ...signalOf(o) }),
    /** Assigns the most urgent task any agent can take; `task` is null when none can be. */
    queueNext: (o?: RequestOptions) => send<Wire.QueueNextResponse>('tasks.queueNext', signalOf(o)),
    start: (taskId: string, o?: ReportOptions) =>
      send<Wire.TaskResponse>('tasks.start', { params: task(taskId), body: {}, headers: leaseHeaders(o), ...signalOf(o) }),
    progress: (taskId: string, input: Wire.ProgressInput, o?: ReportOptions) =>
      send<Wire.TaskMessageResponse>('tasks.progress', { params: task(taskId), body: input, headers: leaseHeaders(o), ...signalOf(o) }),
    complete: (taskId: string, input: Wire.CompleteInput = {}, o?: ReportOptions) =>
      send<Wire.TaskResponse>('tasks.complete', { params: task(taskId), body: input, headers: leaseHeaders(o), ...signalOf(o) }),
    fail: (taskId: string, input: Wire.FailInput, o?: ReportOptions) =>
      send<Wire.TaskMessageResponse>('tasks.fail', { params: task(taskId), body: input, headers: leaseHeaders(o), ...signalOf(o) }),
    /** Gives a held task back: PENDING again, the attempt not spent, this agent still eligible. */
    release: (taskId: string, input: Wire.ReleaseInput = {}, o?: ReportOptions) =>
      send<Wire.TaskResponse>('tasks.release', { params: task(taskId), body: input, headers: leaseHeaders(o), ...signalOf(o) }),
    /** Appends lines to the task's log under the lease (renewing it); lines past the task's 5 MiB are dropped. */
    appendLogs: (taskId: string, input: Wire.AppendLogsInput, o?: ReportOptions) =>
      send<Wire.AppendLogsResponse>('tasks.appendLogs', { params: task(taskId), body: input, headers: leaseHeaders(o), ...signalOf(o) }),
    /** A page of the task's log after seq `after`, oldest first; pass `lastSeq` as the next `after`. */
    logs: (taskId: string, query: Wire.TaskLogsQuery = {}, o?: RequestOptions) =>
      send<Wire.TaskLogsResponse>('tasks.logs', { params: task(taskId), query, ...signalOf(o) }),
    /** The task's attempts, from its events. */
    attempts: (taskId: string, o?: RequestOptions) =>
      send<Wire.AttemptsResponse>('tasks.attempts', { params: task(taskId), ...signalOf(o) }),
    /** Declines an offer; the task goes back to the queue without this agent. */
    reject: (taskId: string, input: Wire.RejectInput, o?: ReportOptions) =>
      send<Wire.TaskResponse>('tasks.reject', { params: task(taskId), body: input, headers: leaseHeaders(o), ...signalOf(o) }),
    cancel: (taskId: string, input: Wire.CancelInput = {}, o?: RequestOptions) =>
      send<Wire.TaskResponse>('tasks.cancel', { params: task(taskId), body: input, ...signalOf(o) }),
    /** A FAILED task gets a new set of attempts. */
    retry: (taskId: string, o?: RequestOptions) => send<Wire.TaskResponse>('tasks.retry', { params: task(taskId), ...signalOf(o) }),
    /** The task's timeline, oldest first. */
    events: (taskId: string, o?: RequestOptions) => send<Wire.TaskEventsResponse>('tasks.events', { params: task(taskId), ...signalOf(o) }),
    recommendations: (taskId: string, o?: RequestOptions) =>
      send<Wire.RecommendationsResponse>('tasks.recommendations', { params: task(taskId), ...signalOf(o) }),
    metrics: (o?: RequestOptions) => send<{ success: true; metrics: Wire.Metrics }>('tasks.metrics', signalOf(o)),
    /** The seed dashboard's delegation report. */
    report: (o?: RequestOptions) => send<{ success: true; report: Wire.DelegationReport }>('tasks.report', signalOf(o)),
  };
}

/** Agents: registration, reads, status, and the agent protocol (heartbeat, pull-mode claim). */
export function agentsResource(send: Send) {
  const agent = (agentId: string) => ({ agentId });
  return {
    list: (o?: RequestOptions) => send<Wire.AgentListResponse>('agents.list', signalOf(o)),
    get: (agentId: string, o?: RequestOptions) => send<Wire.AgentResponse>('agents.get', { params: agent(agentId), ...signalOf(o) }),
    register: (input: Wire.RegisterAgentInput, o?: CreateOptions) =>
      send<Wire.AgentResponse>('agents.register', {
        body: input,
        headers: { [IDEMPOTENCY_KEY_HEADER]: o?.idempotencyKey },
        ...signalOf(o),
      }),
    update: (agentId: string, patch: Wire.UpdateAgentInput, o?: RequestOptions) =>
      send<Wire.AgentResponse>('agents.update', { params: agent(agentId), body: patch, ...signalOf(o) }),
    /** Admin only; the tasks it held go back to the queue. */
    remove: (agentId: string, o?: RequestOptions) =>
      send<Wire.RemoveAgentResponse>('agents.remove', { params: agent(agentId), ...signalOf(o) }),
    setStatus: (agentId: string, status: Wire.AgentStatusInput, o?: RequestOptions) =>
      send<Wire.AgentStatusResponse>('agents.setStatus', { params: agent(agentId), body: { status }, ...signalOf(o) }),
    tasks: (agentId: string, o?: RequestOptions) =>
      send<Wire.AgentTasksResponse>('agents.tasks', { params: agent(agentId), ...signalOf(o) }),
    /** Renews the leases of the agent's running tasks. */
    heartbeat: (agentId: string, o?: RequestOptions) =>
      send<Wire.AgentResponse>('agents.heartbeat', { params: agent(agentId), ...signalOf(o) }),
    /** Pull mode: the best task this agent can do, assigned and started; waits up to `waitMs` (long-poll), `task` null when none came. */
    claim: (agentId: string, input: Wire.ClaimInput = {}, o?: RequestOptions) =>
      send<Wire.ClaimResponse>('agents.claim', { params: agent(agentId), body: input, ...signalOf(o) }),
  };
}

/** Token administration (admin only); the secret is only in `create`'s answer. */
export function tokensResource(send: Send) {
  return {
    list: (o?: RequestOptions) => send<Wire.TokenListResponse>('tokens.list', signalOf(o)),
    create: (input: Wire.CreateTokenInput, o?: RequestOptions) =>
      send<Wire.IssuedTokenResponse>('tokens.create', { body: input, ...signalOf(o) }),
    revoke: (tokenId: string, o?: RequestOptions) => send<Wire.RevokedResponse>('tokens.revoke', { params: { tokenId }, ...signalOf(o) }),
  };
}

/**
 * Notification channels and their deliveries (writes: admin). A channel's secrets are
 * write-only: its view names them in `secrets`, and a webhook's signing secret is in
 * `createChannel`'s answer only.
 */
export function notificationsResource(send: Send) {
  const channel = (channelId: string) => ({ channelId });
  return {
    listChannels: (o?: RequestOptions) => send<Wire.NotificationChannelListResponse>('notifications.listChannels', signalOf(o)),
    createChannel: (input: Wire.CreateNotificationChannelInput, o?: RequestOptions) =>
      send<Wire.CreatedNotificationChannelResponse>('notifications.createChannel', { body: input, ...signalOf(o) }),
    updateChannel: (channelId: string, patch: Wire.UpdateNotificationChannelInput, o?: RequestOptions) =>
      send<Wire.NotificationChannelResponse>('notifications.updateChannel', { params: channel(channelId), body: patch, ...signalOf(o) }),
    deleteChannel: (channelId: string, o?: RequestOptions) =>
      send<Wire.DeletedNotificationChannelResponse>('notifications.deleteChannel', { params: channel(channelId), ...signalOf(o) }),
    /** Sends a test message through the channel now and answers how it went (nothing is queued). */
    testChannel: (channelId: string, o?: RequestOptions) =>
      send<Wire.NotificationTestResponse>('notifications.testChannel', { params: channel(channelId), body: {}, ...signalOf(o) }),
    listDeliveries: (query: Wire.NotificationDeliveryListQuery = {}, o?: RequestOptions) =>
      send<Wire.NotificationDeliveryListResponse>('notifications.listDeliveries', { query, ...signalOf(o) }),
    /** A failed or dead delivery goes back to pending now; a delivered one is sent again with the same webhook-id. */
    retryDelivery: (deliveryId: string, o?: RequestOptions) =>
      send<Wire.NotificationDeliveryResponse>('notifications.retryDelivery', { params: { deliveryId }, body: {}, ...signalOf(o) }),
    /** How many deliveries are failing or dead, for the dashboard's banner. */
    summary: (o?: RequestOptions) => send<Wire.NotificationSummaryResponse>('notifications.summary', signalOf(o)),
  };
}

/** The event log over HTTP (the feed, or replay with `order: 'asc'` from `after`). */
export function eventLogResource(send: Send) {
  return {
    list: (query: Wire.EventListQuery = {}, o?: RequestOptions) => send<Wire.EventListResponse>('events.list', { query, ...signalOf(o) }),
  };
}
