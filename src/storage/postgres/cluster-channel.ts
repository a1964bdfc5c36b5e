import type { ClusterChannel } from '../../services/cluster-relay.js';
import { PostgresNotifier } from './notifications.js';

/** The LISTEN/NOTIFY channel nodes announce committed events on. */
export const CLUSTER_CHANNEL_DEFAULT = 'switchboard_events';

/** The cluster channel on PostgreSQL LISTEN/NOTIFY; `onError` hears connection trouble (it never throws). */
export function postgresClusterChannel(options: {
  connectionString: string;
  channel?: string;
  onError?: (err: Error) => void;
}): ClusterChannel {
  const channel = options.channel ?? CLUSTER_CHANNEL_DEFAULT;
  const notifier = new PostgresNotifier({
    connectionString: options.connectionString,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    publish: (message) => notifier.notify(channel, message),
    subscribe: (handler) => notifier.listen(channel, handler),
    close: () => notifier.close(),
  };
}
