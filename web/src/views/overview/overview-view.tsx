import { useMemo } from 'react';
import { useAllTasks, useMetrics } from '../../api/hooks.js';
import { useSeededSeries } from '../../api/history-query.js';
import { useSeries } from '../../app/services.js';
import { ErrorState } from '../../components/states.js';
import { ActivityFeed } from './activity-feed.js';
import { BreakdownPanel } from './breakdown-panel.js';
import { ChartsPanel } from './charts-panel.js';
import { MetricCards, type Attainment } from './metric-cards.js';

export function OverviewView() {
  const metrics = useMetrics();
  const all = useAllTasks();
  const history = useSeededSeries(metrics.data);
  const series = useSeries();

  const attainment = useMemo<Attainment | null>(() => {
    if (all.isLoading) return null;
    let completed = 0;
    let onTime = 0;
    for (const t of all.tasks) {
      if (t.status !== 'COMPLETED') continue;
      completed++;
      if (!t.slaViolated) onTime++;
    }
    return { completed, onTime, partial: !all.isComplete };
  }, [all.tasks, all.isLoading, all.isComplete]);

  return (
    <div className="view" data-view="overview">
      <div className="view__header">
        <div>
          <h1 className="view__title">Overview</h1>
          <p className="view__subtitle">Live state of the queue, the agents and their promises.</p>
        </div>
      </div>
      {metrics.isError ? (
        <ErrorState error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : (
        <MetricCards metrics={metrics.data} attainment={attainment} />
      )}
      <ChartsPanel series={series} error={history.error} />
      <div className="grid grid--split">
        <BreakdownPanel metrics={metrics.data} />
        <ActivityFeed />
      </div>
    </div>
  );
}
