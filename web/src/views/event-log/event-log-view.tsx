import { RotateCw } from 'lucide-react';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { EventView } from 'switchboard/sdk';
import { useEventLog, type EventLogFilter } from '../../api/event-log-query.js';
import { useAgents } from '../../api/hooks.js';
import { EVENT_TYPES, type EventType } from '../../api/vocabulary.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { describeEvent } from '../../lib/event-text.js';
import { formatDateTime } from '../../lib/format.js';
import { useLiveEventLog } from './use-live-event-log.js';

const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** The filter lives in the URL (`?task=&agent=&type=`), so a filtered log is a link one can share. */
function useFilter(): [EventLogFilter, (next: EventLogFilter) => void] {
  const [params, setParams] = useSearchParams();
  const type = params.get('type') ?? '';
  const filter = useMemo<EventLogFilter>(
    () => ({ taskId: params.get('task') ?? '', agentId: params.get('agent') ?? '', type: isEventType(type) ? type : '' }),
    [params, type],
  );
  const set = (next: EventLogFilter) => {
    const out = new URLSearchParams();
    if (next.taskId !== '') out.set('task', next.taskId);
    if (next.agentId !== '') out.set('agent', next.agentId);
    if (next.type !== '') out.set('type', next.type);
    setParams(out);
  };
  return [filter, set];
}

function FilterForm({ filter, onApply }: { filter: EventLogFilter; onApply: (f: EventLogFilter) => void }) {
  const [taskId, setTaskId] = useState(filter.taskId);
  const agents = useAgents();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...filter, taskId: taskId.trim() });
  };
  return (
    <form className="event-filter" onSubmit={submit} role="search" aria-label="Filter the event log">
      <div className="field">
        <label htmlFor="event-task">Task</label>
        <input id="event-task" value={taskId} onChange={(e) => setTaskId(e.target.value)} placeholder="TASK-001" onBlur={submit} />
      </div>
      <div className="field">
        <label htmlFor="event-agent">Agent</label>
        <select
          id="event-agent"
          value={filter.agentId}
          onChange={(e) => onApply({ ...filter, taskId: taskId.trim(), agentId: e.target.value })}
        >
          <option value="">Any agent</option>
          {(agents.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
          {filter.agentId !== '' && !(agents.data ?? []).some((a) => a.id === filter.agentId) && (
            <option value={filter.agentId}>{filter.agentId}</option>
          )}
        </select>
      </div>
      <div className="field">
        <label htmlFor="event-type">Type</label>
        <select
          id="event-type"
          value={filter.type}
          onChange={(e) => onApply({ ...filter, taskId: taskId.trim(), type: isEventType(e.target.value) ? e.target.value : '' })}
        >
          <option value="">Any type</option>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}

function EventRow({ event }: { event: EventView }) {
  const text = describeEvent(event);
  return (
    <tr data-event-id={event.id} data-event-type={event.type}>
      <td className="num mono">{event.id}</td>
      <td>{formatDateTime(event.at)}</td>
      <td className="mono">{event.type}</td>
      <td data-label="Task">
        {event.taskId === null ? '—' : <Link to={`/tasks/${encodeURIComponent(event.taskId)}`}>{event.taskId}</Link>}
      </td>
      <td data-label="Agent" data-none={event.agentId === null || undefined}>
        {event.agentId === null ? '—' : <Link to={`/agents#agent-${encodeURIComponent(event.agentId)}`}>{event.agentId}</Link>}
      </td>
      <td className="mono small event-log__actor" data-label="by">
        {event.actor}
      </td>
      <td className="event-log__what stack__line">
        {text.verb}
        {text.detail === null ? '' : ` · ${text.detail}`}
      </td>
    </tr>
  );
}

/** The whole event log: filter by task, agent and type; newest first, a page at a time; live. */
export default function EventLogView() {
  const [filter, setFilter] = useFilter();
  const log = useEventLog(filter);
  const live = useLiveEventLog(filter, log.data);
  const top = useRef<HTMLDivElement>(null);
  const events = useMemo(() => log.data?.pages.flatMap((p) => p.events) ?? [], [log.data]);
  const showNewest = () => {
    live.showNewest();
    top.current?.scrollIntoView({ block: 'start' });
  };
  return (
    <div className="view" data-view="events" ref={top}>
      <div className="view__header">
        <div>
          <h1 className="view__title">Event log</h1>
          <p className="view__subtitle">Everything that happened to tasks and agents, newest first.</p>
        </div>
        <button type="button" className="button button--ghost" onClick={() => void log.refetch()} disabled={log.isFetching}>
          <RotateCw size={14} aria-hidden="true" /> Refresh
        </button>
      </div>
      {/* Keyed by the URL's task so going back or forward shows that filter's text, not the last one typed. */}
      <FilterForm key={filter.taskId} filter={filter} onApply={setFilter} />
      {log.isPending ? (
        <SkeletonRows rows={8} height={28} />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : events.length === 0 ? (
        <EmptyState title="No events match" />
      ) : (
        <>
          {live.newer > 0 && (
            <div className="event-log__newer">
              <button type="button" className="button button--primary" onClick={showNewest} data-testid="show-newest">
                {live.newer === 1 ? '1 new event' : `${live.newer} new events`} · Show newest
              </button>
            </div>
          )}
          <div className="table-scroll">
            <table className="table table--stack" aria-label="Events" data-testid="event-log">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">When</th>
                  <th scope="col">Type</th>
                  <th scope="col">Task</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Actor</th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <EventRow key={e.id} event={e} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="event-log__more">
            <span className="muted small" role="status">
              {events.length} shown{log.hasNextPage ? '' : ' · the start of the log'}
            </span>
            {log.hasNextPage && (
              <button type="button" className="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                {log.isFetchingNextPage ? 'Loading…' : 'Load older events'}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
