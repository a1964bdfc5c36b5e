import { Link } from 'react-router-dom';
import type { AgentView, RecommendationsResponse, TaskView } from 'switchboard/sdk';
import { useAgents, useRecommendations } from '../../api/hooks.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';

/** One scored agent as a recommendation lists it (and as an assignment records the winner and runners-up). */
type ScoredCandidate = RecommendationsResponse['candidates'][number];
type ScoreTerms = ScoredCandidate['terms'];

const TERMS: readonly { key: keyof ScoreTerms; label: string; help: string }[] = [
  {
    key: 'capabilityFit',
    label: 'Preferred capabilities held',
    help: "Share of the task's preferred (optional) capabilities the agent holds; 1 when it prefers none. Required ones are always held.",
  },
  { key: 'reliability', label: 'Reliability', help: 'Learned success rate' },
  { key: 'spareCapacity', label: 'Spare capacity', help: 'Free share of its slots' },
  { key: 'deadlineFit', label: 'Deadline fit', help: 'Predicted to finish before the SLA' },
  { key: 'recency', label: 'Recency', help: 'Spreads work across agents' },
];

function TermBar({ value }: { value: number }) {
  const pct = Math.max(0, Math.min(1, value)) * 100;
  return (
    <span className="term-bar" aria-hidden="true">
      <span className="term-bar__fill" style={{ width: `${pct}%` }} />
    </span>
  );
}

function AgentName({ id, agents }: { id: string; agents: ReadonlyMap<string, AgentView> }) {
  return (
    <Link className="link" to={`/agents#agent-${encodeURIComponent(id)}`}>
      {agents.get(id)?.name ?? id}
    </Link>
  );
}

function CandidateTable({
  candidates,
  agents,
  caption,
}: {
  candidates: readonly ScoredCandidate[];
  agents: ReadonlyMap<string, AgentView>;
  caption: string;
}) {
  return (
    <div className="table-scroll">
      <table className="table table--compact">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col" className="num">
              Score
            </th>
            {TERMS.map((t) => (
              <th key={t.key} scope="col" className="num" title={t.help}>
                {t.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => (
            <tr key={c.agentId}>
              <th scope="row">
                <AgentName id={c.agentId} agents={agents} />
              </th>
              <td className="num">{c.score.toFixed(3)}</td>
              {TERMS.map((t) => (
                <td key={t.key} className="num">
                  {c.terms[t.key].toFixed(2)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Why this agent": the winner's score and its five terms, and the runners-up; or, while waiting, the recommendation. */
export function WhyThisAgent({ task }: { task: TaskView }) {
  const agentsQuery = useAgents();
  const agents = new Map((agentsQuery.data ?? []).map((a) => [a.id, a]));
  const waiting = task.assignment === null && (task.status === 'PENDING' || task.status === 'BLOCKED');
  const rec = useRecommendations(task.id, waiting);

  if (task.assignment !== null) {
    const { chosen, runnersUp, consideredCount, mode } = task.assignment;
    return (
      <section className="panel" aria-labelledby="why-title" data-testid="why-this-agent">
        <header className="panel__header">
          <h2 id="why-title" className="panel__title">
            Why this agent
          </h2>
          <span className="panel__meta">
            {mode} · {consideredCount} considered
          </span>
        </header>
        <div className="why__winner">
          <div>
            <div className="muted small">Chosen</div>
            <div className="why__agent">
              <AgentName id={chosen.agentId} agents={agents} />
            </div>
          </div>
          <div className="why__score">
            <div className="muted small">Score</div>
            <div>{chosen.score.toFixed(3)}</div>
          </div>
        </div>
        <ul className="terms">
          {TERMS.map((t) => (
            <li key={t.key} className="terms__row" title={t.help}>
              <span className="terms__label">{t.label}</span>
              <TermBar value={chosen.terms[t.key]} />
              <span className="terms__value">{chosen.terms[t.key].toFixed(2)}</span>
            </li>
          ))}
        </ul>
        <h3 className="panel__subtitle">Runners-up</h3>
        {runnersUp.length === 0 ? (
          <p className="muted small">No other agent was eligible.</p>
        ) : (
          <CandidateTable candidates={runnersUp} agents={agents} caption="Runners-up and their score terms" />
        )}
      </section>
    );
  }

  return (
    <section className="panel" aria-labelledby="why-title" data-testid="why-this-agent">
      <header className="panel__header">
        <h2 id="why-title" className="panel__title">
          {waiting ? 'Recommended agents' : 'Why this agent'}
        </h2>
      </header>
      {!waiting ? (
        <EmptyState title="No assignment recorded">This task was never assigned to an agent.</EmptyState>
      ) : rec.isPending ? (
        <SkeletonRows rows={3} height={24} />
      ) : rec.isError ? (
        <ErrorState error={rec.error} onRetry={() => void rec.refetch()} />
      ) : rec.data.candidates.length === 0 ? (
        <EmptyState title="No agent can take this task">{rec.data.blockedBy ?? 'No eligible agent right now.'}</EmptyState>
      ) : (
        <CandidateTable candidates={rec.data.candidates} agents={agents} caption="Recommended agents and their score terms" />
      )}
    </section>
  );
}
