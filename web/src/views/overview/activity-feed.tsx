import { AnimatePresence, m } from 'motion/react';
import { Link } from 'react-router-dom';
import type { EventView } from 'switchboard/sdk';
import { useRecentEvents } from '../../api/hooks.js';
import { useNow } from '../../app/services.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { describeEvent } from '../../lib/event-text.js';
import { formatDateTime, formatAgo } from '../../lib/format.js';

function Subject({ e }: { e: EventView }) {
  if (e.taskId !== null) {
    return (
      <Link className="mono link" to={`/tasks/${encodeURIComponent(e.taskId)}`}>
        {e.taskId}
      </Link>
    );
  }
  return <span className="mono">{e.agentId ?? 'system'}</span>;
}

/** The newest events of the log, live: new ones slide in at the top. */
export function ActivityFeed() {
  const events = useRecentEvents();
  const now = useNow(10_000);
  return (
    <section className="panel panel--feed" aria-labelledby="activity-title">
      <header className="panel__header">
        <h2 id="activity-title" className="panel__title">
          Recent activity
        </h2>
        <span className="panel__meta">live</span>
      </header>
      {events.isPending ? (
        <SkeletonRows rows={6} height={28} />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.length === 0 ? (
        <EmptyState title="No activity yet">Events appear here as tasks are created, assigned and completed.</EmptyState>
      ) : (
        <ol className="feed" data-testid="activity-feed">
          <AnimatePresence initial={false}>
            {events.data.map((e) => {
              const text = describeEvent(e);
              return (
                <m.li
                  key={e.id}
                  className="feed__item"
                  data-event-id={e.id}
                  initial={{ opacity: 0, y: -6 }}
                  animate={{ opacity: 1, y: 0 }}
                  exit={{ opacity: 0 }}
                  transition={{ duration: 0.2 }}
                >
                  <span className={`feed__dot feed__dot--${text.tone}`} aria-hidden="true" />
                  <span className="feed__text">
                    <Subject e={e} /> {text.verb}
                    {text.detail !== null && text.detail !== '' && <span className="muted"> {text.detail}</span>}
                  </span>
                  <time className="feed__time" dateTime={e.at} title={formatDateTime(e.at)}>
                    {formatAgo(e.at, now)}
                  </time>
                </m.li>
              );
            })}
          </AnimatePresence>
        </ol>
      )}
    </section>
  );
}
