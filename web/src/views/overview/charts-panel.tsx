import { BarChart } from '../../components/charts/bar-chart.js';
import { LineChart, type LineSeries } from '../../components/charts/line-chart.js';
import { ErrorState, Skeleton } from '../../components/states.js';
import { BUCKET_MS, HISTORY_WINDOW_MS } from '../../lib/history.js';
import type { SeriesSnapshot } from '../../realtime/live-series.js';
import { useNow } from '../../app/services.js';

interface Props {
  series: SeriesSnapshot;
  error: Error | null;
}

/** Throughput (completions per minute) and queue depth over the last hour. */
export function ChartsPanel({ series, error }: Props) {
  const now = useNow(5_000);
  const lastHourCompletions = series.throughput.reduce((a, b) => a + b, 0);
  const queue: LineSeries[] = [
    { key: 'pending', label: 'Pending', tone: 'pending', points: series.queue.map((s) => ({ t: s.t, v: s.pending })) },
    { key: 'inProgress', label: 'In progress', tone: 'progress', points: series.queue.map((s) => ({ t: s.t, v: s.inProgress })) },
  ];
  const latest = series.queue.at(-1);
  return (
    <div className="grid grid--charts">
      <section className="panel" aria-labelledby="throughput-title">
        <header className="panel__header">
          <h2 id="throughput-title" className="panel__title">
            Throughput
          </h2>
          <span className="panel__meta">{series.seeded ? `${lastHourCompletions} completed · last hour` : 'completions per minute'}</span>
        </header>
        {error !== null ? (
          <ErrorState error={error} title="Could not read the event log" />
        ) : series.seeded ? (
          <BarChart
            values={series.throughput}
            start={series.throughputStart}
            bucketMs={BUCKET_MS}
            label="Completions per minute"
            unit="per min"
          />
        ) : (
          <Skeleton height={160} width="100%" />
        )}
      </section>
      <section className="panel" aria-labelledby="queue-title">
        <header className="panel__header">
          <h2 id="queue-title" className="panel__title">
            Queue depth
          </h2>
          <span className="legend">
            <span>
              <span className="legend__swatch legend__swatch--pending" aria-hidden="true" /> Pending {latest?.pending ?? ''}
            </span>
            <span>
              <span className="legend__swatch legend__swatch--progress" aria-hidden="true" /> In progress {latest?.inProgress ?? ''}
            </span>
          </span>
        </header>
        {error !== null ? (
          <ErrorState error={error} title="Could not read the event log" />
        ) : series.seeded ? (
          <LineChart
            series={queue}
            from={now - HISTORY_WINDOW_MS}
            to={Math.max(now, latest?.t ?? now)}
            label="Queue depth over the last hour"
          />
        ) : (
          <Skeleton height={160} width="100%" />
        )}
      </section>
    </div>
  );
}
