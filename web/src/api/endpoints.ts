import type { ApiClient } from './client.js';
import type {
  AgentStatusRequest,
  AgentView,
  EventPage,
  EventQuery,
  EventView,
  Metrics,
  NewAgentBody,
  NewTaskBody,
  QueueNextResult,
  Recommendation,
  TaskPage,
  TaskQuery,
  TaskView,
} from './types.js';

/** Page size the board loads with (the API's maximum). */
export const TASK_PAGE_LIMIT = 1000;
/** Page size of event-log reads (the API's maximum). */
export const EVENT_PAGE_LIMIT = 500;

const enc = encodeURIComponent;

/** Every REST call the dashboard makes, typed with the server's own view shapes. */
export class SwitchboardApi {
  constructor(readonly client: ApiClient) {}

  listTasks(query: TaskQuery, signal?: AbortSignal): Promise<TaskPage> {
    return this.client.get<TaskPage>('/api/tasks', { ...query }, signal);
  }

  async getTask(id: string, signal?: AbortSignal): Promise<TaskView> {
    return (await this.client.get<{ task: TaskView }>(`/api/tasks/${enc(id)}`, undefined, signal)).task;
  }

  async taskEvents(id: string, signal?: AbortSignal): Promise<EventView[]> {
    return (await this.client.get<{ events: EventView[] }>(`/api/tasks/${enc(id)}/events`, undefined, signal)).events;
  }

  /** Accepts both `{ recommendation: {...} }` and the fields spread into the envelope. */
  async recommendations(id: string, signal?: AbortSignal): Promise<Recommendation> {
    const body = await this.client.get<Partial<Recommendation> & { recommendation?: Recommendation }>(
      `/api/tasks/${enc(id)}/recommendations`,
      undefined,
      signal,
    );
    if (body.recommendation !== undefined) return body.recommendation;
    return { taskId: body.taskId ?? id, candidates: body.candidates ?? [], blockedBy: body.blockedBy ?? null };
  }

  async createTask(body: NewTaskBody): Promise<TaskView> {
    return (await this.client.post<{ task: TaskView }>('/api/tasks', body)).task;
  }

  async assignTask(id: string, agentId?: string): Promise<TaskView> {
    const body = agentId === undefined ? undefined : { agentId };
    return (await this.client.post<{ task: TaskView }>(`/api/tasks/${enc(id)}/assign`, body)).task;
  }

  processNext(): Promise<QueueNextResult> {
    return this.client.post<QueueNextResult>('/api/tasks/queue/next');
  }

  async cancelTask(id: string, reason?: string): Promise<TaskView> {
    return (await this.client.post<{ task: TaskView }>(`/api/tasks/${enc(id)}/cancel`, reason === undefined ? {} : { reason })).task;
  }

  async retryTask(id: string): Promise<TaskView> {
    return (await this.client.post<{ task: TaskView }>(`/api/tasks/${enc(id)}/retry`)).task;
  }

  async listAgents(signal?: AbortSignal): Promise<AgentView[]> {
    return (await this.client.get<{ agents: AgentView[] }>('/api/agents', undefined, signal)).agents;
  }

  async createAgent(body: NewAgentBody): Promise<AgentView> {
    return (await this.client.post<{ agent: AgentView }>('/api/agents', body)).agent;
  }

  async setAgentStatus(id: string, status: AgentStatusRequest): Promise<AgentView> {
    return (await this.client.put<{ agent: AgentView }>(`/api/agents/${enc(id)}/status`, { status })).agent;
  }

  async metrics(signal?: AbortSignal): Promise<Metrics> {
    return (await this.client.get<{ metrics: Metrics }>('/api/tasks/metrics', undefined, signal)).metrics;
  }

  listEvents(query: EventQuery, signal?: AbortSignal): Promise<EventPage> {
    return this.client.get<EventPage>('/api/events', { ...query }, signal);
  }
}
