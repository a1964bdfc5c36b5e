import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { AgentStatusInput, AgentView, CreateTaskInput, RegisterAgentInput, TaskView } from 'switchboard/sdk';
import { useServices } from '../app/services.js';
import { useToast } from '../components/toast.js';
import { findTask, upsertTaskPages, type TaskPages } from '../lib/task-cache.js';
import { errorMessage } from './client.js';
import { queryKeys } from './query-keys.js';
import type { TaskStatus } from './vocabulary.js';

/** Writes a task into every list and its own query, ignoring versions (optimistic edit or its rollback). */
function forceTask(client: QueryClient, task: TaskView): void {
  client.setQueriesData<TaskPages>({ queryKey: queryKeys.taskLists }, (data) => upsertTaskPages(data, [task], true));
  if (client.getQueryData(queryKeys.task(task.id)) !== undefined) client.setQueryData(queryKeys.task(task.id), task);
}

function currentTask(client: QueryClient, id: string): TaskView | undefined {
  return client.getQueryData<TaskView>(queryKeys.task(id)) ?? findTask(client.getQueryData<TaskPages>(queryKeys.allTasks), id);
}

type TaskAction = 'assign' | 'cancel' | 'retry';

const OPTIMISTIC_STATUS: Record<TaskAction, TaskStatus> = { assign: 'ASSIGNED', cancel: 'CANCELLED', retry: 'PENDING' };
const VERB: Record<TaskAction, string> = { assign: 'assign', cancel: 'cancel', retry: 'retry' };

/**
 * Assign / Cancel / Retry with optimistic UI: the card moves at once; the server's
 * answer replaces it, or the old copy comes back (unless something newer arrived
 * meanwhile) and a toast shows the API's message.
 */
export function useTaskAction() {
  const { api, sync } = useServices();
  const client = useQueryClient();
  const toast = useToast();
  return useMutation<TaskView, Error, { action: TaskAction; id: string }, { previous: TaskView | undefined }>({
    mutationFn: async ({ action, id }) => {
      switch (action) {
        case 'assign':
          return (await api.tasks.assign(id)).task;
        case 'cancel':
          return (await api.tasks.cancel(id)).task;
        case 'retry':
          return (await api.tasks.retry(id)).task;
      }
    },
    onMutate: ({ action, id }) => {
      const previous = currentTask(client, id);
      if (previous !== undefined) {
        const optimistic: TaskView = { ...previous, status: OPTIMISTIC_STATUS[action] };
        if (action === 'retry') Object.assign(optimistic, { failureReason: null, progress: 0, agent: null });
        forceTask(client, optimistic);
      }
      return { previous };
    },
    onError: (err, { action, id }, context) => {
      const previous = context?.previous;
      const now = currentTask(client, id);
      if (previous !== undefined && (now === undefined || now.version === previous.version)) forceTask(client, previous);
      toast.push({ tone: 'error', title: `Could not ${VERB[action]} ${id}`, description: errorMessage(err) });
    },
    onSuccess: (task, { action }) => {
      sync.task(task);
      sync.flush();
      if (action === 'assign')
        toast.push({ tone: 'success', title: `${task.id} assigned`, description: task.agent === null ? undefined : `to ${task.agent}` });
    },
  });
}

/** "Process next": assigns the best assignable task in queue order (no optimistic guess: we do not know which). */
export function useProcessNext() {
  const { api, sync } = useServices();
  const toast = useToast();
  return useMutation({
    mutationFn: () => api.tasks.queueNext(),
    onSuccess: (result) => {
      if (result.task !== null) {
        sync.task(result.task);
        if (result.agent !== undefined) sync.agent(result.agent);
        sync.flush();
        toast.push({
          tone: 'success',
          title: `${result.task.id} assigned`,
          description: `to ${result.agent?.name ?? result.task.agent ?? 'an agent'}`,
        });
      } else {
        // `pending`: the tasks left waiting because no agent can take them, which is why nothing moved.
        const waiting =
          result.pending === undefined || result.pending === 0 ? undefined : `${result.pending} pending: no agent can take them right now`;
        toast.push({ tone: 'info', title: result.message, description: waiting });
      }
    },
    onError: (err) => toast.push({ tone: 'error', title: 'Could not process the queue', description: errorMessage(err) }),
  });
}

export function useCreateTask() {
  const { api, sync } = useServices();
  return useMutation<TaskView, Error, CreateTaskInput>({
    mutationFn: async (body) => (await api.tasks.create(body)).task,
    onSuccess: (task) => {
      sync.task(task);
      sync.flush();
    },
  });
}

export function useCreateAgent() {
  const { api, sync } = useServices();
  return useMutation<AgentView, Error, RegisterAgentInput>({
    mutationFn: async (body) => (await api.agents.register(body)).agent,
    onSuccess: (agent) => {
      sync.agent(agent);
      sync.flush();
    },
  });
}

/** Pause / resume with optimistic status. */
export function useSetAgentStatus() {
  const { api, sync } = useServices();
  const client = useQueryClient();
  const toast = useToast();
  return useMutation<AgentView, Error, { id: string; status: AgentStatusInput }, { previous: AgentView[] | undefined }>({
    mutationFn: async ({ id, status }) => (await api.agents.setStatus(id, status)).agent,
    onMutate: ({ id, status }) => {
      const previous = client.getQueryData<AgentView[]>(queryKeys.agents);
      client.setQueryData<AgentView[]>(queryKeys.agents, (list) =>
        list?.map((a) => (a.id === id ? { ...a, status: status === 'PAUSED' ? 'PAUSED' : a.load > 0 ? 'ACTIVE' : 'IDLE' } : a)),
      );
      return { previous };
    },
    onError: (err, { id }, context) => {
      if (context?.previous !== undefined) client.setQueryData(queryKeys.agents, context.previous);
      toast.push({ tone: 'error', title: `Could not update ${id}`, description: errorMessage(err) });
    },
    onSuccess: (agent) => {
      sync.agent(agent);
      sync.flush();
    },
  });
}
