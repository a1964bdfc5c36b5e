import { Hand, LogIn } from 'lucide-react';
import { useCallback, useMemo } from 'react';
import type { TaskView } from 'switchboard/sdk';
import { useAgents, useAllTasks } from '../../api/hooks.js';
import { useSignedInAgent, useSignedInAgentId } from '../../api/identity.js';
import { useClaimNext, useWorkAction, type WorkAction } from '../../api/my-work.js';
import { useServices } from '../../app/services.js';
import { Panel } from '../../components/panel.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { WorkCard } from './work-card.js';

/** Most urgent first, then oldest: the order the dispatcher itself would give them. */
const byUrgency = (a: TaskView, b: TaskView) =>
  a.priority.localeCompare(b.priority) || (a.createdAt ?? '').localeCompare(b.createdAt ?? '');

function WorkList({
  tasks,
  empty,
  pendingId,
  onAct,
}: {
  tasks: TaskView[];
  empty: string;
  pendingId: string | null;
  onAct: (task: TaskView, action: WorkAction) => void;
}) {
  if (tasks.length === 0) return <p className="muted small">{empty}</p>;
  return (
    <div className="work-list">
      {tasks.map((task) => (
        <WorkCard key={task.id} task={task} busy={pendingId === task.id} onAct={(action) => onAct(task, action)} />
      ))}
    </div>
  );
}

function Work({ agentId }: { agentId: string }) {
  const verified = useSignedInAgent();
  const agents = useAgents();
  const { tasks, isLoading, error, retry } = useAllTasks();
  const claim = useClaimNext(agentId);
  const work = useWorkAction();
  // The fleet list is kept live by the socket; the heartbeat's copy covers the first moments.
  const agent = agents.data?.find((a) => a.id === agentId) ?? verified.data;
  const mine = useMemo(() => tasks.filter((t) => t.agent === agentId).sort(byUrgency), [tasks, agentId]);
  const offered = mine.filter((t) => t.status === 'ASSIGNED');
  const running = mine.filter((t) => t.status === 'IN_PROGRESS');
  const act = useCallback((task: TaskView, action: WorkAction) => work.mutate({ task, action }), [work]);
  const pendingId = work.isPending ? (work.variables?.task.id ?? null) : null;

  if (verified.isError)
    return (
      <ErrorState
        title={`Signed in as ${agentId}, but the server does not accept it`}
        error={verified.error}
        onRetry={() => void verified.refetch()}
      />
    );
  return (
    <>
      <div className="view__header">
        <div>
          <h1 className="view__title">My work</h1>
          <p className="view__subtitle">
            {agent === undefined ? agentId : agent.name} · {offered.length} offered · {running.length} running
          </p>
        </div>
        <button
          type="button"
          className="button button--primary"
          onClick={() => claim.mutate()}
          disabled={claim.isPending}
          aria-busy={claim.isPending}
        >
          <Hand size={14} aria-hidden="true" /> {claim.isPending ? 'Looking for a task…' : 'Claim next task'}
        </button>
      </div>
      {error !== null ? (
        <ErrorState error={error} onRetry={retry} />
      ) : isLoading ? (
        <SkeletonRows rows={3} height={120} />
      ) : (
        <div className="my-work">
          <Panel id="my-work-offered" title="Offered to you" meta={`${offered.length}`} testId="my-work-offered">
            <WorkList tasks={offered} empty="Nothing offered right now." pendingId={pendingId} onAct={act} />
          </Panel>
          <Panel id="my-work-running" title="Running" meta={`${running.length}`} testId="my-work-running">
            <WorkList tasks={running} empty="Nothing running. Claim a task to start." pendingId={pendingId} onAct={act} />
          </Panel>
        </div>
      )}
    </>
  );
}

/** "My work": a human agent's offered and running tasks, and the actions it reports on them. */
export default function MyWorkView() {
  const agentId = useSignedInAgentId();
  const { auth } = useServices();
  return (
    <div className="view" data-view="my-work">
      {agentId === null ? (
        <EmptyState title="Sign in as a human agent" icon={<LogIn size={20} />}>
          <p>My work shows the tasks offered to you and the ones you are running. Sign in with your agent token.</p>
          <button type="button" className="button button--primary" onClick={auth.signIn}>
            <LogIn size={14} aria-hidden="true" /> Sign in
          </button>
        </EmptyState>
      ) : (
        <Work agentId={agentId} />
      )}
    </div>
  );
}
