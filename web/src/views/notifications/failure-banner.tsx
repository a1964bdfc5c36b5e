import { BellOff } from 'lucide-react';
import { Link } from 'react-router-dom';
import { useNotificationSummary } from './queries.js';

/**
 * Shown in the shell on every page while any notification delivery is failing, so a lost
 * alert is seen instead of silently swallowed. It reads the summary again on every
 * `notification.*` socket event (runtime.ts) and every 30 s; a server without the
 * notifications API (or a token that may not read it) shows nothing.
 */
export function NotificationFailureBanner() {
  const summary = useNotificationSummary();
  const data = summary.data;
  if (data === undefined || data.failing <= 0) return null;
  const last = data.lastFailure;
  return (
    <div className="banner banner--warning notification-banner" role="alert" data-testid="notification-banner">
      <BellOff size={16} aria-hidden="true" />
      <span>
        {data.failing === 1 ? '1 notification is' : `${data.failing} notifications are`} failing to deliver
        {data.dead > 0 ? ` (${data.dead} gave up)` : ''}
        {last === null ? '.' : `; last: ${last.channelName}${last.lastError === null ? '' : `, ${last.lastError}`}.`}
      </span>
      <Link to="/notifications?status=failed" className="notification-banner__link">
        See deliveries
      </Link>
    </div>
  );
}
