import { BellOff } from 'lucide-react';
import { Link } from 'react-router-dom';
import { useNotificationSummary } from './queries.js';

const failingLink = (failing: number) => `/notifications?status=${failing > 0 ? 'failed' : 'dead'}`;

function deliveryCounts(failing: number, dead: number): string {
  const parts = [
    failing > 0 ? `${failing} ${failing === 1 ? 'notification is' : 'notifications are'} failing to deliver (being retried)` : null,
    dead > 0 ? `${dead} ${dead === 1 ? 'notification' : 'notifications'} could not be delivered (no retries left)` : null,
  ];
  return parts.filter((p) => p !== null).join(', ');
}

/**
 * Shown in the shell on every page while any notification delivery is failing, so a lost
 * alert is seen instead of silently swallowed. It reads the summary again on every
 * `notification.*` socket event (runtime.ts) and every 30 s; a server without the
 * notifications API (or a token that may not read it) shows nothing.
 */
export function NotificationFailureBanner() {
  const summary = useNotificationSummary();
  const data = summary.data;
  // A dead delivery (out of retries, or refused for good) is the worst case: it shows too.
  if (data === undefined || (data.failing <= 0 && data.dead <= 0)) return null;
  const last = data.lastFailure;
  return (
    <div className="banner banner--warning notification-banner" role="alert" data-testid="notification-banner">
      <BellOff size={16} aria-hidden="true" />
      <span>
        {deliveryCounts(data.failing, data.dead)}
        {last === null ? '.' : `; last: ${last.channelName}${last.lastError === null ? '' : `, ${last.lastError}`}.`}
      </span>
      <Link to={failingLink(data.failing)} className="notification-banner__link">
        See deliveries
      </Link>
    </div>
  );
}
