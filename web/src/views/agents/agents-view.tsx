import { Plus } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'react-router-dom';
import type { AgentView } from 'switchboard/sdk';
import { useAgents } from '../../api/hooks.js';
import { useSetAgentStatus } from '../../api/mutations.js';
import { useNow } from '../../app/services.js';
import { EmptyState, ErrorState, Skeleton } from '../../components/states.js';
import { AgentCard } from './agent-card.js';
import { RegisterAgentDialog } from './register-agent-dialog.js';

export default function AgentsView() {
  const agents = useAgents();
  const now = useNow(10_000);
  const { mutate: setStatus } = useSetAgentStatus();
  const [registering, setRegistering] = useState(false);
  const { hash } = useLocation();
  const target = decodeURIComponent(hash.replace(/^#/, ''));

  // By name, then id, never by status: a card that moved when its agent was paused left the
  // operator's pointer on another agent's Pause button.
  const sorted = useMemo(
    () => [...(agents.data ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    [agents.data],
  );
  const onStatus = useCallback((agent: AgentView, status: 'ACTIVE' | 'PAUSED') => setStatus({ id: agent.id, status }), [setStatus]);

  useEffect(() => {
    if (target === '' || agents.data === undefined) return;
    document.getElementById(target)?.scrollIntoView({ block: 'center' });
  }, [target, agents.data]);

  const totals = useMemo(() => {
    const slots = sorted.reduce((a, x) => a + x.maxConcurrentTasks, 0);
    const used = sorted.reduce((a, x) => a + x.load, 0);
    return { slots, used, available: sorted.filter((a) => a.status === 'ACTIVE' || a.status === 'IDLE').length };
  }, [sorted]);

  return (
    <div className="view" data-view="agents">
      <div className="view__header">
        <div>
          <h1 className="view__title">Agents</h1>
          <p className="view__subtitle">
            {agents.data === undefined
              ? 'The fleet and its capacity.'
              : `${totals.available} of ${sorted.length} available · ${totals.used} of ${totals.slots} slots in use`}
          </p>
        </div>
        <button type="button" className="button button--primary" onClick={() => setRegistering(true)}>
          <Plus size={14} aria-hidden="true" /> Register agent
        </button>
      </div>
      {agents.isPending ? (
        <div className="agents-grid" aria-busy="true" aria-label="Loading agents">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} height={230} width="100%" />
          ))}
        </div>
      ) : agents.isError ? (
        <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
      ) : sorted.length === 0 ? (
        <EmptyState title="No agents registered">
          <p>Register an agent (an AI coding agent, a human or a service) so tasks can be delegated.</p>
          <button type="button" className="button button--primary" onClick={() => setRegistering(true)}>
            <Plus size={14} aria-hidden="true" /> Register agent
          </button>
        </EmptyState>
      ) : (
        <div className="agents-grid">
          {sorted.map((a) => (
            <AgentCard key={a.id} agent={a} now={now} onStatus={onStatus} highlighted={target === `agent-${a.id}`} />
          ))}
        </div>
      )}
      <RegisterAgentDialog open={registering} onClose={() => setRegistering(false)} />
    </div>
  );
}
