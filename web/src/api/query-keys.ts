/**
 * Every React Query key in one place. Anything under `tasks` is a list of tasks in the
 * TaskPages shape: socket updates are written into all of them.
 */
export const queryKeys = {
  taskLists: ['tasks'] as const,
  allTasks: ['tasks', 'all'] as const,
  task: (id: string) => ['task', id] as const,
  taskEvents: (id: string) => ['task-events', id] as const,
  recommendations: (id: string) => ['recommendations', id] as const,
  /** Every task log held; `task:log` messages are merged into the one of their task. */
  taskLogs: ['task-log'] as const,
  taskLog: (id: string) => ['task-log', id] as const,
  taskAttempts: (id: string) => ['task-attempts', id] as const,
  agents: ['agents'] as const,
  signedInAgent: (id: string) => ['signed-in-agent', id] as const,
  tokens: ['tokens'] as const,
  /** Every filtered event log view held. */
  eventLogs: ['events', 'log'] as const,
  /** Everything under it is read again on a `notification.*` event (the failure banner, the Notifications page). */
  notifications: ['notifications'] as const,
  eventLog: (filter: object) => ['events', 'log', filter] as const,
  metrics: ['metrics'] as const,
  recentEvents: ['events', 'recent'] as const,
  history: ['events', 'history'] as const,
};

/** How many events the activity feed keeps. */
export const RECENT_EVENTS_LIMIT = 40;
