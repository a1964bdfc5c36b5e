import { useConnectionStatus } from './services.js';

const LABELS = { connecting: 'Connecting', connected: 'Live', reconnecting: 'Reconnecting', offline: 'Offline' } as const;
const DESCRIPTIONS = {
  connecting: 'Connecting to live updates',
  connected: 'Receiving live updates',
  reconnecting: 'Connection lost: reconnecting, missed events will be replayed',
  offline: 'Offline: data may be out of date; retrying',
} as const;

/** Connected / reconnecting / offline, announced politely when it changes. */
export function ConnectionIndicator({ compact = false }: { compact?: boolean }) {
  const status = useConnectionStatus();
  return (
    <span
      className={`connection connection--${status}`}
      role="status"
      aria-live="polite"
      title={DESCRIPTIONS[status]}
      data-connection={status}
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className={compact ? 'visually-hidden' : 'connection__label'}>{LABELS[status]}</span>
    </span>
  );
}
