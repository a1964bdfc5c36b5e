import { Link } from 'react-router-dom';
import type { Metrics } from 'switchboard/sdk';
import { PRIORITIES, TASK_STATUSES } from '../../api/vocabulary.js';
import { PRIORITY_LABELS, STATUS_LABELS } from '../../components/badges.js';
import { SkeletonRows } from '../../components/states.js';
import { formatCount } from '../../lib/format.js';

/** Tasks by priority (bars) and by status (one stacked bar), from the metrics. */
export function BreakdownPanel({ metrics }: { metrics: Metrics | undefined }) {
  return (
    <section className="panel" aria-labelledby="priority-title">
      <header className="panel__header">
        <h2 id="priority-title" className="panel__title">
          Tasks by priority
        </h2>
        <Link className="panel__link" to="/board">
          Open board
        </Link>
      </header>
      {metrics === undefined ? (
        <SkeletonRows rows={4} height={20} />
      ) : (
        <>
          <ul className="bars">
            {PRIORITIES.map((p) => {
              const n = metrics.byPriority[p];
              const share = metrics.totalTasks === 0 ? 0 : n / metrics.totalTasks;
              return (
                <li key={p} className="bars__row" data-priority={p}>
                  <Link className="bars__label" to={`/board?priority=${p}`}>
                    <span className={`priority priority--${p}`}>{p}</span>
                    <span className="bars__name">{PRIORITY_LABELS[p].split(' · ')[1]}</span>
                  </Link>
                  <span className="bars__track" aria-hidden="true">
                    <span className={`bars__fill bars__fill--${p}`} style={{ width: `${(share * 100).toFixed(1)}%` }} />
                  </span>
                  <span className="bars__value">{formatCount(n)}</span>
                </li>
              );
            })}
          </ul>
          <h3 className="panel__subtitle">By status</h3>
          <div className="stack" role="img" aria-label={TASK_STATUSES.map((s) => `${STATUS_LABELS[s]} ${metrics.byStatus[s]}`).join(', ')}>
            {TASK_STATUSES.map((s) =>
              metrics.byStatus[s] === 0 ? null : (
                <span
                  key={s}
                  className={`stack__part stack__part--${s}`}
                  style={{ flexGrow: metrics.byStatus[s] }}
                  title={`${STATUS_LABELS[s]}: ${metrics.byStatus[s]}`}
                />
              ),
            )}
          </div>
          <ul className="stack-legend">
            {TASK_STATUSES.map((s) => (
              <li key={s}>
                <span className={`status status--${s}`}>
                  <span className="status__dot" aria-hidden="true" />
                  {STATUS_LABELS[s]}
                </span>
                <span className="stack-legend__value">{formatCount(metrics.byStatus[s])}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
