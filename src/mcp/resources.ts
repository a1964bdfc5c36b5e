import type { ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { ToolRefusal, type McpBackend } from './tool-kit.js';

/** The URI scheme of every Switchboard resource. */
export const RESOURCE_SCHEME = 'switchboard';

/** What resources/templates/list shows: a task with its timeline, and one agent's assignments. */
export const RESOURCE_TEMPLATES: readonly ResourceTemplate[] = [
  {
    uriTemplate: `${RESOURCE_SCHEME}://tasks/{taskId}`,
    name: 'task',
    title: 'A task with its timeline',
    description: "The task's fields and its events, oldest first (who assigned, started, reported, completed it).",
    mimeType: 'application/json',
  },
  {
    uriTemplate: `${RESOURCE_SCHEME}://agents/{agentId}/tasks`,
    name: 'agent-tasks',
    title: "An agent's assignments",
    description: 'The tasks an agent holds (offered and running).',
    mimeType: 'application/json',
  },
];

/** What resources/list shows: the caller's own assignments, when its token is bound to an agent. */
export function listedResources(backend: McpBackend): Resource[] {
  if (backend.agentId === null) return [];
  return [
    {
      uri: agentTasksUri(backend.agentId),
      name: 'my-assignments',
      title: 'My assignments',
      description: `The tasks agent ${backend.agentId} holds.`,
      mimeType: 'application/json',
    },
  ];
}

const agentTasksUri = (agentId: string) => `${RESOURCE_SCHEME}://agents/${encodeURIComponent(agentId)}/tasks`;

/** Reads one resource through the SDK, so what a caller may read is exactly what REST lets its token read. */
export async function readResource(uri: string, backend: McpBackend): Promise<ReadResourceResult> {
  const task = /^switchboard:\/\/tasks\/([^/?#]+)$/.exec(uri);
  if (task?.[1] !== undefined) {
    const taskId = decodeURIComponent(task[1]);
    const [{ task: view }, { events }] = await Promise.all([backend.client.tasks.get(taskId), backend.client.tasks.events(taskId)]);
    return json(uri, { task: view, events });
  }
  const agentTasks = /^switchboard:\/\/agents\/([^/?#]+)\/tasks$/.exec(uri);
  if (agentTasks?.[1] !== undefined) {
    const { tasks } = await backend.client.agents.tasks(decodeURIComponent(agentTasks[1]));
    return json(uri, { tasks });
  }
  throw new ToolRefusal({ code: 'ROUTE_NOT_FOUND', error: `No resource ${uri}`, details: { uri } });
}

function json(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}
