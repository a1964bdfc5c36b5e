import { RotateCw, Send } from 'lucide-react';
import { Link, useSearchParams } from 'react-router-dom';
import type { NotificationDeliveryStatus, NotificationDeliveryView } from 'switchboard/sdk';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { formatDateTime } from '../../lib/format.js';
import { useDeliveries, useRetryDelivery } from './queries.js';

export const DELIVERY_STATUSES: readonly NotificationDeliveryStatus[] = ['pending', 'delivered', 'failed', 'dead'];

const isStatus = (v: string | null): v is NotificationDeliveryStatus => DELIVERY_STATUSES.includes(v as NotificationDeliveryStatus);
const at = (ms: number | null) => (ms === null ? '—' : formatDateTime(new Date(ms).toISOString()));

/** The status filter lives in the URL (`?status=failed`), so the banner can link straight to the failures. */
export function useStatusFilter(): [NotificationDeliveryStatus | '', (next: NotificationDeliveryStatus | '') => void] {
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const set = (next: NotificationDeliveryStatus | '') => {
    const out = new URLSearchParams(params);
    if (next === '') out.delete('status');
    else out.set('status', next);
    setParams(out, { replace: true });
  };
  return [isStatus(raw) ? raw : '', set];
}

/** The receiver's last answer: its status (or SMTP code) and, for a failure, the error. */
function lastResponse(d: NotificationDeliveryView): string {
  if (d.lastError === null && d.lastStatus === null) return '—';
  return [d.lastStatus === null ? null : String(d.lastStatus), d.lastError].filter((s) => s !== null).join(' ');
}

function DeliveryRow({ delivery }: { delivery: NotificationDeliveryView }) {
  const retry = useRetryDelivery();
  const again = delivery.status === 'delivered';
  return (
    <tr data-delivery-id={delivery.id} data-status={delivery.status}>
      <td>{at(delivery.createdAt)}</td>
      <td>{delivery.channelName}</td>
      <td className="mono">{delivery.type}</td>
      <td className="mono">{delivery.taskId === null ? '—' : <Link to={`/tasks/${delivery.taskId}`}>{delivery.taskId}</Link>}</td>
      <td>
        <span className={`delivery-status delivery-status--${delivery.status}`}>{delivery.status}</span>
      </td>
      <td>{delivery.attempts}</td>
      <td className="delivery-error">{lastResponse(delivery)}</td>
      <td>{delivery.status === 'delivered' ? at(delivery.deliveredAt) : at(delivery.nextAttemptAt)}</td>
      <td>
        {delivery.status !== 'pending' && (
          <button
            type="button"
            className="button button--small"
            disabled={retry.isPending}
            onClick={() => retry.mutate(delivery)}
            aria-label={`${again ? 'Send again' : 'Retry'}: ${delivery.type} to ${delivery.channelName}`}
          >
            {again ? <Send size={12} aria-hidden="true" /> : <RotateCw size={12} aria-hidden="true" />} {again ? 'Send again' : 'Retry'}
          </button>
        )}
      </td>
    </tr>
  );
}

/** Every delivery of every channel, newest first, with the way to retry a failure or send a delivered one again. */
export function DeliveryList() {
  const [status, setStatus] = useStatusFilter();
  const deliveries = useDeliveries(status);
  return (
    <section className="panel deliveries" aria-labelledby="deliveries-title">
      <div className="panel__header">
        <h2 id="deliveries-title" className="panel__title">
          Deliveries
        </h2>
        <div className="field deliveries__filter">
          <label htmlFor="delivery-status">Status</label>
          <select id="delivery-status" value={status} onChange={(e) => setStatus(isStatus(e.target.value) ? e.target.value : '')}>
            <option value="">Any status</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </div>
      {deliveries.isPending ? (
        <SkeletonRows rows={3} />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.deliveries.length === 0 ? (
        <EmptyState title={status === '' ? 'Nothing delivered yet' : `No ${status} deliveries`} />
      ) : (
        <>
          <div className="table-scroll">
            <table className="table" aria-label="Notification deliveries">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Event</th>
                  <th scope="col">Task</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last response</th>
                  <th scope="col">Delivered / next try</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.deliveries.map((d) => (
                  <DeliveryRow key={d.id} delivery={d} />
                ))}
              </tbody>
            </table>
          </div>
          {deliveries.data.more && (
            <div className="event-log__more">
              <button
                type="button"
                className="button button--ghost"
                disabled={deliveries.isFetchingNextPage}
                onClick={() => void deliveries.fetchNextPage()}
              >
                Load more
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
