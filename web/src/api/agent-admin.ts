import { useMutation } from '@tanstack/react-query';
import type { AgentView, UpdateAgentInput } from 'switchboard/sdk';
import { useServices } from '../app/services.js';
import { useToast } from '../components/toast.js';
import { errorMessage } from './client.js';

export function useUpdateAgent() {
  const { api, sync } = useServices();
  return useMutation<AgentView, Error, { id: string; patch: UpdateAgentInput }>({
    mutationFn: async ({ id, patch }) => (await api.agents.update(id, patch)).agent,
    onSuccess: (agent) => {
      sync.agent(agent);
      sync.flush();
    },
  });
}

/** Admin only. The server requeues what the agent held; the socket brings those tasks and the removal. */
export function useRemoveAgent() {
  const { api, sync } = useServices();
  const toast = useToast();
  return useMutation<string[], Error, AgentView>({
    mutationFn: async (agent) => (await api.agents.remove(agent.id)).requeued,
    onSuccess: (requeued, agent) => {
      sync.removeAgent(agent.id);
      sync.flush();
      toast.push({
        tone: 'success',
        title: `${agent.name} removed`,
        description: requeued.length === 0 ? undefined : `Back in the queue: ${requeued.join(', ')}`,
      });
    },
    onError: (err, agent) => toast.push({ tone: 'error', title: `Could not remove ${agent.name}`, description: errorMessage(err) }),
  });
}
