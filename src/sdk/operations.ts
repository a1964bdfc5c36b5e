/**
 * Every REST operation the SDK calls, keyed by the client method that calls it. The
 * client builds each request from this table (never from a path typed twice), and
 * test/sdk/operations.test.ts holds it against `/api/openapi.json` both ways: an
 * operation the server gains without a method here, or a method whose route is gone,
 * fails the suite.
 */
export const OPERATIONS = {
  'tasks.list': { method: 'GET', path: '/api/tasks' },
  'tasks.byStatus': { method: 'GET', path: '/api/tasks/status/{status}' },
  'tasks.byPriority': { method: 'GET', path: '/api/tasks/priority/{priority}' },
  'tasks.get': { method: 'GET', path: '/api/tasks/{taskId}' },
  'tasks.create': { method: 'POST', path: '/api/tasks' },
  'tasks.update': { method: 'PATCH', path: '/api/tasks/{taskId}' },
  'tasks.recommendations': { method: 'GET', path: '/api/tasks/{taskId}/recommendations' },
  'tasks.assign': { method: 'POST', path: '/api/tasks/{taskId}/assign' },
  'tasks.queueNext': { method: 'POST', path: '/api/tasks/queue/next' },
  'tasks.start': { method: 'POST', path: '/api/tasks/{taskId}/start' },
  'tasks.progress': { method: 'PUT', path: '/api/tasks/{taskId}/progress' },
  'tasks.complete': { method: 'POST', path: '/api/tasks/{taskId}/complete' },
  'tasks.fail': { method: 'POST', path: '/api/tasks/{taskId}/fail' },
  'tasks.reject': { method: 'POST', path: '/api/tasks/{taskId}/reject' },
  'tasks.cancel': { method: 'POST', path: '/api/tasks/{taskId}/cancel' },
  'tasks.retry': { method: 'POST', path: '/api/tasks/{taskId}/retry' },
  'tasks.release': { method: 'POST', path: '/api/tasks/{taskId}/release' },
  'tasks.appendLogs': { method: 'POST', path: '/api/tasks/{taskId}/logs' },
  'tasks.logs': { method: 'GET', path: '/api/tasks/{taskId}/logs' },
  'tasks.attempts': { method: 'GET', path: '/api/tasks/{taskId}/attempts' },
  'tasks.events': { method: 'GET', path: '/api/tasks/{taskId}/events' },
  'tasks.metrics': { method: 'GET', path: '/api/tasks/metrics' },
  'tasks.report': { method: 'GET', path: '/api/tasks/report/delegation' },
  'agents.list': { method: 'GET', path: '/api/agents' },
  'agents.get': { method: 'GET', path: '/api/agents/{agentId}' },
  'agents.register': { method: 'POST', path: '/api/agents' },
  'agents.update': { method: 'PATCH', path: '/api/agents/{agentId}' },
  'agents.remove': { method: 'DELETE', path: '/api/agents/{agentId}' },
  'agents.setStatus': { method: 'PUT', path: '/api/agents/{agentId}/status' },
  'agents.tasks': { method: 'GET', path: '/api/agents/{agentId}/tasks' },
  'agents.heartbeat': { method: 'POST', path: '/api/agents/{agentId}/heartbeat' },
  'agents.claim': { method: 'POST', path: '/api/agents/{agentId}/claim' },
  'events.list': { method: 'GET', path: '/api/events' },
  'tokens.list': { method: 'GET', path: '/api/tokens' },
  'tokens.create': { method: 'POST', path: '/api/tokens' },
  'tokens.revoke': { method: 'DELETE', path: '/api/tokens/{tokenId}' },
  'notifications.listChannels': { method: 'GET', path: '/api/notifications/channels' },
  'notifications.createChannel': { method: 'POST', path: '/api/notifications/channels' },
  'notifications.updateChannel': { method: 'PATCH', path: '/api/notifications/channels/{channelId}' },
  'notifications.deleteChannel': { method: 'DELETE', path: '/api/notifications/channels/{channelId}' },
  'notifications.testChannel': { method: 'POST', path: '/api/notifications/channels/{channelId}/test' },
  'notifications.listDeliveries': { method: 'GET', path: '/api/notifications/deliveries' },
  'notifications.retryDelivery': { method: 'POST', path: '/api/notifications/deliveries/{deliveryId}/retry' },
  'notifications.summary': { method: 'GET', path: '/api/notifications/summary' },
  health: { method: 'GET', path: '/api/health' },
  whoami: { method: 'GET', path: '/api/whoami' },
} as const satisfies Record<string, { method: HttpMethod; path: `/api/${string}` }>;

/**
 * Operations the server documents that have no method of their own, each with the
 * method that covers it: the seed's metrics path answers exactly what `tasks.metrics` does.
 */
export const OPERATION_ALIASES = {
  'GET /api/tasks/api/metrics': 'tasks.metrics',
} as const satisfies Record<string, OperationName>;

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A client method name as the table spells it (`tasks.get`). */
export type OperationName = keyof typeof OPERATIONS;
