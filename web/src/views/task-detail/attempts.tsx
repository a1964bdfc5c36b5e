import type { AttemptView } from 'switchboard/sdk';
import { useTaskAttempts } from '../../api/hooks.js';
import { Panel } from '../../components/panel.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { formatCount, formatDateTime, formatSpan, formatUsd } from '../../lib/format.js';

type Outcome = AttemptView['outcome'];

const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  released: 'Released',
  requeued: 'Requeued',
  cancelled: 'Cancelled',
};

/** The agent's own figure when it reported one, else the span between start and end. */
function duration(a: AttemptView): string {
  if (a.usage?.durationMs !== undefined) return formatSpan(a.usage.durationMs);
  return a.endedAt === null ? '—' : formatSpan(Date.parse(a.endedAt) - Date.parse(a.startedAt));
}

const count = (n: number | undefined) => (n === undefined ? '—' : formatCount(n));

function AttemptRow({ attempt: a }: { attempt: AttemptView }) {
  const u = a.usage;
  return (
    <tr data-attempt={a.number} data-outcome={a.outcome}>
      <th scope="row" className="num">
        {a.number}
      </th>
      <td>
        <span className={`status outcome--${a.outcome}`}>
          <span className="status__dot" aria-hidden="true" />
          {OUTCOME_LABELS[a.outcome]}
        </span>
      </td>
      <td>{a.agentId ?? '—'}</td>
      <td>
        <time dateTime={a.startedAt}>{formatDateTime(a.startedAt)}</time>
      </td>
      <td className="num">{duration(a)}</td>
      <td className="num" data-field="inputTokens">
        {count(u?.inputTokens)}
      </td>
      <td className="num" data-field="outputTokens">
        {count(u?.outputTokens)}
      </td>
      <td className="num" data-field="cachedTokens">
        {count(u?.cachedTokens)}
      </td>
      <td className="num" data-field="costUsd">
        {u?.costUsd === undefined ? '—' : formatUsd(u.costUsd)}
      </td>
      <td className="num" data-field="turns">
        {count(u?.turns)}
      </td>
      <td className="mono attempts__session" data-field="sessionId" title={u?.sessionId}>
        {u?.sessionId ?? '—'}
      </td>
      <td className="attempts__reason">{a.reason ?? ''}</td>
    </tr>
  );
}

/** Every attempt at the task: who ran it, how it ended and why, and what it used. */
export function Attempts({ taskId }: { taskId: string }) {
  const attempts = useTaskAttempts(taskId);
  return (
    <Panel id="attempts" title="Attempts" testId="attempts">
      {attempts.isPending ? (
        <SkeletonRows rows={2} height={24} />
      ) : attempts.isError ? (
        <ErrorState error={attempts.error} onRetry={() => void attempts.refetch()} />
      ) : attempts.data.length === 0 ? (
        <EmptyState title="Not started yet">An attempt begins when an agent starts the task.</EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table table--compact">
            <caption className="visually-hidden">Attempts, their outcome and usage</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Outcome</th>
                <th scope="col">Agent</th>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Tokens in
                </th>
                <th scope="col" className="num">
                  Tokens out
                </th>
                <th scope="col" className="num">
                  Cached
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
                <th scope="col" className="num">
                  Turns
                </th>
                <th scope="col">Session</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {attempts.data.map((a) => (
                <AttemptRow key={a.number} attempt={a} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
