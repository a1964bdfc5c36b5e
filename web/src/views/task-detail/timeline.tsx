import { useTaskEvents } from '../../api/hooks.js';
import { Panel } from '../../components/panel.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { describeEvent } from '../../lib/event-text.js';
import { formatDateTime } from '../../lib/format.js';

/** The task's history from the event log, oldest first, appended live. */
export function Timeline({ taskId }: { taskId: string }) {
  const events = useTaskEvents(taskId);
  return (
    <Panel id="timeline" title="Timeline" meta={events.data === undefined ? undefined : `${events.data.length} events`}>
      {events.isPending ? (
        <SkeletonRows rows={4} height={32} />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.length === 0 ? (
        <EmptyState title="No events yet" />
      ) : (
        <ol className="timeline" data-testid="timeline">
          {events.data.map((e) => {
            const text = describeEvent(e);
            return (
              <li key={e.id} className="timeline__item" data-event-type={e.type}>
                <span className={`timeline__dot feed__dot--${text.tone}`} aria-hidden="true" />
                <div className="timeline__body">
                  <div>
                    <strong className="timeline__verb">{text.verb}</strong>
                    {text.detail !== null && text.detail !== '' && <span className="muted"> {text.detail}</span>}
                  </div>
                  <div className="timeline__meta">
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time> · {e.actor} · <span className="mono">{e.type}</span>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Panel>
  );
}
