import { Send, Trash2 } from 'lucide-react';
import type { DeliveryOutcome, NotificationChannelView } from 'switchboard/sdk';
import { errorMessage } from '../../api/client.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { EmptyState } from '../../components/states.js';
import { CHANNEL_EVENTS, channelTarget } from './channel-settings.js';
import { useDeleteChannel, useSetChannelEnabled, useTestChannel } from './queries.js';

/** The API names the secret fields that are set and never sends a value: each shows as its name and a mask. */
export const SECRET_MASK = '••••';

const eventLabel = (type: string) => CHANNEL_EVENTS.find((e) => e.type === type)?.label ?? type;

function outcomeText(outcome: DeliveryOutcome): string {
  // A webhook's detail already starts with its status ("200 OK"); an SMTP reply with its code ("250 ...").
  const detail = outcome.detail ?? '';
  const status = outcome.status === undefined || detail.startsWith(String(outcome.status)) ? '' : ` (${outcome.status})`;
  if (outcome.ok) return `Delivered${status}${detail === '' ? '' : `: ${detail}`}`;
  return `Failed${status}, ${outcome.retryable ? 'would be retried' : 'would not be retried'}: ${detail}`;
}

function TestResult({ test }: { test: ReturnType<typeof useTestChannel> }) {
  if (test.isIdle) return null;
  const [tone, text] = test.isPending
    ? ['pending', 'Sending a test message…']
    : test.isError
      ? ['failed', `Could not test: ${errorMessage(test.error)}`]
      : test.data.ok
        ? ['ok', outcomeText(test.data)]
        : ['failed', outcomeText(test.data)];
  return (
    <p className={`channel-test channel-test--${tone}`} role="status" data-testid="test-outcome" data-outcome={tone}>
      {text}
    </p>
  );
}

function ChannelRow({ channel }: { channel: NotificationChannelView }) {
  const test = useTestChannel();
  const remove = useDeleteChannel();
  const toggle = useSetChannelEnabled();
  return (
    <tr data-channel-id={channel.id} data-channel-name={channel.name}>
      <th scope="row">{channel.name}</th>
      <td>{channel.type}</td>
      <td className="mono channel-target">{channelTarget(channel)}</td>
      <td className="channel-events-cell">{channel.events.map(eventLabel).join(', ')}</td>
      <td data-testid="channel-secrets">
        {channel.secrets.length === 0
          ? '—'
          : channel.secrets.map((name) => (
              <span key={name} className="channel-secret-mask">
                {name} <span aria-label="hidden">{SECRET_MASK}</span>
              </span>
            ))}
      </td>
      <td>
        <label className="channel-enabled">
          <input
            type="checkbox"
            checked={channel.enabled}
            disabled={toggle.isPending}
            onChange={(e) => toggle.mutate({ channel, enabled: e.target.checked })}
            aria-label={`${channel.name} enabled`}
          />
          {channel.enabled ? 'On' : 'Off'}
        </label>
      </td>
      <td className="channel-actions-cell">
        <div className="channel-actions">
          <button
            type="button"
            className="button button--small"
            disabled={test.isPending}
            onClick={() => test.mutate(channel)}
            aria-label={`Send a test message to ${channel.name}`}
          >
            <Send size={12} aria-hidden="true" /> Test
          </button>
          <ConfirmButton
            className="button button--small button--quiet"
            confirmClassName="button button--small button--danger"
            label={`Delete ${channel.name}`}
            confirmLabel={`Confirm: delete ${channel.name}`}
            disabled={remove.isPending}
            onConfirm={() => remove.mutate(channel)}
            confirmChildren="Click again to delete"
          >
            <Trash2 size={12} aria-hidden="true" /> Delete
          </ConfirmButton>
        </div>
        <TestResult test={test} />
      </td>
    </tr>
  );
}

export function ChannelList({ channels }: { channels: NotificationChannelView[] }) {
  if (channels.length === 0) {
    return (
      <EmptyState title="No channels yet">
        <p>Add one below: a webhook, Slack or email.</p>
      </EmptyState>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table" aria-label="Notification channels">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Sends to</th>
            <th scope="col">Events</th>
            <th scope="col">Secrets</th>
            <th scope="col">Enabled</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <ChannelRow key={c.id} channel={c} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
