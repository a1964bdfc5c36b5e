import { useEffect, useRef } from 'react';
import type { Metrics } from 'switchboard/sdk';
import { Skeleton } from '../../components/states.js';
import { formatCount, formatPercent } from '../../lib/format.js';

/** The performance mark the browser test reads as the overview's first meaningful paint. */
export const METRICS_PAINT_MARK = 'switchboard:overview-metrics';

export interface Attainment {
  completed: number;
  onTime: number;
  /** The task list is still loading: the figure is not final. */
  partial: boolean;
}

interface Card {
  key: string;
  label: string;
  value: string;
  raw: number | null;
  sub: string;
  tone?: 'warning' | 'danger' | 'success';
}

function cards(m: Metrics, attainment: Attainment | null): Card[] {
  const ratio = attainment === null || attainment.completed === 0 ? null : attainment.onTime / attainment.completed;
  return [
    {
      key: 'totalTasks',
      label: 'Total tasks',
      value: formatCount(m.totalTasks),
      raw: m.totalTasks,
      sub: `${formatCount(m.byStatus.BLOCKED)} blocked`,
    },
    { key: 'pending', label: 'Pending', value: formatCount(m.byStatus.PENDING), raw: m.byStatus.PENDING, sub: 'waiting for an agent' },
    {
      key: 'inProgress',
      label: 'In progress',
      value: formatCount(m.byStatus.IN_PROGRESS),
      raw: m.byStatus.IN_PROGRESS,
      sub: `${formatCount(m.byStatus.ASSIGNED)} assigned`,
    },
    {
      key: 'completedTasks',
      label: 'Completed',
      value: formatCount(m.completedTasks),
      raw: m.completedTasks,
      sub: `${formatCount(m.byStatus.CANCELLED)} cancelled`,
      tone: m.completedTasks > 0 ? 'success' : undefined,
    },
    {
      key: 'failedTasks',
      label: 'Failed',
      value: formatCount(m.failedTasks),
      raw: m.failedTasks,
      sub: 'out of attempts',
      tone: m.failedTasks > 0 ? 'danger' : undefined,
    },
    {
      key: 'activeAgents',
      label: 'Active agents',
      value: formatCount(m.activeAgents),
      raw: m.activeAgents,
      sub: `of ${formatCount(m.agents)} registered`,
    },
    {
      key: 'slaAtRisk',
      label: 'SLA at risk',
      value: formatCount(m.slaAtRisk),
      raw: m.slaAtRisk,
      sub: `${formatCount(m.slaViolated)} violated`,
      tone: m.slaViolated > 0 ? 'danger' : m.slaAtRisk > 0 ? 'warning' : undefined,
    },
    {
      key: 'slaAttainment',
      label: 'SLA attainment',
      value: attainment === null ? '…' : formatPercent(ratio, 1),
      raw: ratio === null ? null : Math.round(ratio * 1000) / 10,
      sub:
        attainment === null
          ? 'loading tasks'
          : `${formatCount(attainment.onTime)} of ${formatCount(attainment.completed)} on time${attainment.partial ? ' (loading)' : ''}`,
    },
  ];
}

/**
 * The headline numbers, straight from `GET /api/tasks/metrics` (kept live by
 * `metrics:updated`). SLA attainment = completed tasks that never violated their SLA /
 * completed tasks, from the task list.
 */
export function MetricCards({ metrics, attainment }: { metrics: Metrics | undefined; attainment: Attainment | null }) {
  const marked = useRef(false);
  useEffect(() => {
    if (metrics === undefined || marked.current) return;
    marked.current = true;
    if (performance.getEntriesByName(METRICS_PAINT_MARK).length === 0) {
      requestAnimationFrame(() => performance.mark(METRICS_PAINT_MARK));
    }
  }, [metrics]);

  if (metrics === undefined) {
    return (
      <section className="metrics" aria-label="Key figures" aria-busy="true">
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="metric">
            <Skeleton width="60%" height={12} />
            <Skeleton width="40%" height={26} />
            <Skeleton width="70%" height={11} />
          </div>
        ))}
      </section>
    );
  }
  return (
    <section className="metrics" aria-label="Key figures">
      {cards(metrics, attainment).map((c) => (
        <div
          key={c.key}
          className={`metric ${c.tone === undefined ? '' : `metric--${c.tone}`}`}
          data-metric={c.key}
          data-value={c.raw ?? ''}
        >
          <div className="metric__label">{c.label}</div>
          <div className="metric__value">{c.value}</div>
          <div className="metric__sub">{c.sub}</div>
        </div>
      ))}
    </section>
  );
}
