import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { AgentView, SwitchboardClient } from 'switchboard/sdk';
import { useServices } from '../app/services.js';
import { queryKeys } from './query-keys.js';

/**
 * How often a page signed in as an agent sends a heartbeat. The server requeues a running
 * task whose lease (15 minutes by default) passes without one, and a person reading a task
 * sends nothing else for a long while; once a minute keeps the lease and the agent alive,
 * also in a background tab (browsers slow its timers to once a minute, not less).
 */
export const SIGNED_IN_HEARTBEAT_MS = 60_000;

/** The agent id the sign-in named, or null. */
export function useSignedInAgentId(): string | null {
  const { signedInAgent } = useServices();
  return useSyncExternalStore(signedInAgent.subscribe, () => signedInAgent.get());
}

/**
 * The API says nobody who a token is, so the sign-in asks for the agent id and this proves
 * it: a heartbeat as that agent succeeds only for a token that may report for it (an agent
 * token bound to it, or an operator's), and it is harmless, the very sign of life a worker sends.
 */
export async function verifyHumanAgent(api: SwitchboardClient, agentId: string): Promise<AgentView> {
  const { agent } = await api.agents.heartbeat(agentId);
  if (agent.kind !== 'human') throw new Error(`${agent.name} is an agent of kind ${agent.kind}; My work is for human agents`);
  return agent;
}

/**
 * The signed-in human agent, proven again by the heartbeat it keeps sending while the page
 * is open (see SIGNED_IN_HEARTBEAT_MS); `data` is undefined while nobody is signed in.
 */
export function useSignedInAgent() {
  const { api } = useServices();
  const agentId = useSignedInAgentId();
  return useQuery<AgentView>({
    queryKey: queryKeys.signedInAgent(agentId ?? ''),
    queryFn: () => verifyHumanAgent(api, agentId ?? ''),
    enabled: agentId !== null,
    refetchInterval: SIGNED_IN_HEARTBEAT_MS,
    refetchIntervalInBackground: true,
    staleTime: SIGNED_IN_HEARTBEAT_MS,
  });
}
