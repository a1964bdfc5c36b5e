import { Bot, Cog, Pause, Play, User } from 'lucide-react';
import { memo } from 'react';
import { Link } from 'react-router-dom';
import type { AgentView } from 'switchboard/sdk';
import { AgentStatusBadge, CapabilityChips } from '../../components/badges.js';
import { formatDateTime, formatPercent, formatAgo } from '../../lib/format.js';
import { AgentAdminActions } from './agent-admin-actions.js';

const KIND_ICONS = { ai: Bot, human: User, service: Cog } as const;
const RING_RADIUS = 22;
const RING_LENGTH = 2 * Math.PI * RING_RADIUS;

/** Load as a ring: used slots out of maxConcurrentTasks; red past capacity. */
function LoadGauge({ load, max }: { load: number; max: number }) {
  const share = max <= 0 ? 1 : Math.min(1, load / max);
  const tone = load > max ? 'over' : share >= 1 ? 'full' : share > 0 ? 'busy' : 'idle';
  return (
    <div
      className={`gauge gauge--${tone}`}
      role="meter"
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={load}
      aria-label={`Load ${load} of ${max}`}
    >
      <svg viewBox="0 0 56 56" aria-hidden="true">
        <circle className="gauge__track" cx="28" cy="28" r={RING_RADIUS} />
        {share > 0 && (
          <circle
            className="gauge__value"
            cx="28"
            cy="28"
            r={RING_RADIUS}
            strokeDasharray={`${share * RING_LENGTH} ${RING_LENGTH}`}
            transform="rotate(-90 28 28)"
          />
        )}
      </svg>
      <span className="gauge__label">
        {load}/{max}
      </span>
    </div>
  );
}

interface Props {
  agent: AgentView;
  now: number;
  onStatus: (agent: AgentView, status: 'ACTIVE' | 'PAUSED') => void;
  highlighted: boolean;
}

export const AgentCard = memo(function AgentCard({ agent, now, onStatus, highlighted }: Props) {
  const KindIcon = KIND_ICONS[agent.kind];
  const paused = agent.status === 'PAUSED';
  return (
    <article
      id={`agent-${agent.id}`}
      className={`agent-card ${highlighted ? 'agent-card--highlighted' : ''}`}
      data-agent-id={agent.id}
      data-status={agent.status}
      aria-labelledby={`agent-${agent.id}-name`}
    >
      <header className="agent-card__header">
        <span className="agent-card__avatar" aria-hidden="true">
          <KindIcon size={16} />
        </span>
        <div className="agent-card__names">
          <h2 id={`agent-${agent.id}-name`} className="agent-card__name">
            {agent.name}
          </h2>
          <span className="mono muted small">{agent.id}</span>
        </div>
        <AgentStatusBadge status={agent.status} />
      </header>
      <div className="agent-card__stats">
        <LoadGauge load={agent.load} max={agent.maxConcurrentTasks} />
        <dl className="agent-card__figures">
          <div>
            <dt>Reliability</dt>
            <dd
              title={`Declared ${formatPercent(agent.declaredReliability)}; learned from ${agent.completedCount} completed, ${agent.failedCount} failed`}
            >
              {formatPercent(agent.reliability)}
            </dd>
          </div>
          <div>
            <dt>Done / failed</dt>
            <dd>
              {agent.completedCount} / {agent.failedCount}
            </dd>
          </div>
          <div>
            <dt>Heartbeat</dt>
            <dd title={formatDateTime(agent.lastHeartbeatAt)}>{formatAgo(agent.lastHeartbeatAt, now)}</dd>
          </div>
        </dl>
      </div>
      <div className="agent-card__section">
        <div className="agent-card__label">Capabilities</div>
        <CapabilityChips capabilities={agent.capabilities} />
      </div>
      <div className="agent-card__section">
        <div className="agent-card__label">Current tasks</div>
        {agent.currentTasks.length === 0 ? (
          <span className="muted small">none</span>
        ) : (
          <span className="chips">
            {agent.currentTasks.map((id) => (
              <Link key={id} className="chip chip--link mono" to={`/tasks/${encodeURIComponent(id)}`}>
                {id}
              </Link>
            ))}
          </span>
        )}
      </div>
      <footer className="agent-card__footer">
        {paused ? (
          <button
            type="button"
            className="button button--small"
            onClick={() => onStatus(agent, 'ACTIVE')}
            aria-label={`Resume ${agent.name}`}
          >
            <Play size={12} aria-hidden="true" /> Resume
          </button>
        ) : (
          <button
            type="button"
            className="button button--small button--quiet"
            onClick={() => onStatus(agent, 'PAUSED')}
            aria-label={`Pause ${agent.name}`}
          >
            <Pause size={12} aria-hidden="true" /> Pause
          </button>
        )}
        <AgentAdminActions agent={agent} />
      </footer>
    </article>
  );
});
