import { BellPlus } from 'lucide-react';
import { useState } from 'react';
import { SwitchboardApiError, type CreatedNotificationChannelResponse } from 'switchboard/sdk';
import { useServices } from '../../app/services.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { ChannelForm } from './channel-form.js';
import { ChannelList } from './channel-list.js';
import { ChannelSecret } from './channel-secret.js';
import { DeliveryList } from './delivery-list.js';
import { useChannels } from './queries.js';

/** A page without a token gets 401 (the prompt opens by itself); a role that may not read gets 403. */
function Refused({ error }: { error: unknown }) {
  const { auth } = useServices();
  if (!(error instanceof SwitchboardApiError && (error.status === 401 || error.status === 403))) return <ErrorState error={error} />;
  return (
    <EmptyState title="Notifications need an operator or admin token">
      <p>Channels are managed with the admin role.</p>
      <button type="button" className="button button--primary" onClick={auth.signIn}>
        Sign in
      </button>
    </EmptyState>
  );
}

/** Notification channels (webhook, Slack, email), a test send for each, and every delivery with retry. */
export default function NotificationsView() {
  const channels = useChannels();
  const [created, setCreated] = useState<CreatedNotificationChannelResponse | null>(null);
  // The form is open by itself while there is no channel; afterwards it waits behind a button, below the list.
  const [adding, setAdding] = useState(false);
  return (
    <div className="view" data-view="notifications">
      <div className="view__header">
        <div>
          <h1 className="view__title">Notifications</h1>
          <p className="view__subtitle">Where SLA breaches, failures and offline agents are announced, and whether each message arrived.</p>
        </div>
      </div>
      {channels.isPending ? (
        <SkeletonRows rows={4} />
      ) : channels.isError ? (
        <Refused error={channels.error} />
      ) : (
        <div className="notifications">
          {created?.secret !== undefined && (
            <ChannelSecret
              key={created.channel.id}
              channelName={created.channel.name}
              secret={created.secret}
              onDone={() => setCreated(null)}
            />
          )}
          <ChannelList channels={channels.data} />
          {adding || channels.data.length === 0 ? (
            <section className="panel">
              <ChannelForm
                onCreated={(c) => {
                  setCreated(c);
                  setAdding(false);
                }}
              />
            </section>
          ) : (
            <div>
              <button type="button" className="button" onClick={() => setAdding(true)}>
                <BellPlus size={14} aria-hidden="true" /> Add a channel
              </button>
            </div>
          )}
          <DeliveryList />
        </div>
      )}
    </div>
  );
}
