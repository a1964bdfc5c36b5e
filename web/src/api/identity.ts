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

/** The human agent the sign-in's token is bound to, or null. */
export function useSignedInAgentId(): string | null {
  const { signedInAgent } = useServices();
  return useSyncExternalStore(signedInAgent.subscribe, () => signedInAgent.get());
}

/**
 * Who a token works as, asked of the server with that token (GET /api/whoami): the id of the
 * human agent it is bound to, whose My work the page then opens, or null for a token that
 * works as nobody in particular (an operator's, a viewer's, an admin's, or an AI agent's: My
 * work is for people). A token whose agent was removed can do nothing as it, so it is refused.
 */
export async function humanAgentOf(api: SwitchboardClient): Promise<string | null> {
  const { principal, agent } = await api.whoami();
  if (principal.agentId === null) return null;
  if (agent === null) throw new Error(`This token is bound to agent ${principal.agentId}, which has been removed`);
  return agent.kind === 'human' ? agent.id : null;
}

/**
 * The signed-in agent's sign of life, and the proof that the token still acts for a human
 * agent: the heartbeat succeeds only while the token is bound to it, and an operator may have
 * changed the agent's kind since the sign-in.
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
