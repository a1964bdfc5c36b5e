import { BellPlus } from 'lucide-react';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { ChannelType, CreatedNotificationChannelResponse, EventType } from 'switchboard/sdk';
import { errorMessage } from '../../api/client.js';
import { Field } from '../../components/field.js';
import { CHANNEL_EVENTS, CHANNEL_TYPES, channelInput, emptyDraft, type ChannelDraft } from './channel-settings.js';
import { useCreateChannel } from './queries.js';

type Set = <K extends keyof ChannelDraft>(key: K, value: ChannelDraft[K]) => void;
interface Problem {
  field: string;
  error: string;
}

/** A text input bound to one draft field, with its label, hint and error. */
function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  problem: Problem | null;
  required?: boolean;
  hint?: string;
  type?: string;
  placeholder?: string;
  autoComplete?: string;
}) {
  const error = props.problem?.field === props.id ? props.problem.error : undefined;
  return (
    <Field id={props.id} label={props.label} required={props.required ?? false} hint={props.hint} error={error}>
      {({ describedBy, invalid }) => (
        <input
          id={props.id}
          type={props.type ?? 'text'}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          placeholder={props.placeholder}
          autoComplete={props.autoComplete ?? 'off'}
        />
      )}
    </Field>
  );
}

function SettingsFields({ draft, set, problem }: { draft: ChannelDraft; set: Set; problem: Problem | null }): ReactNode {
  switch (draft.type) {
    case 'webhook':
      return (
        <TextField
          id="channel-url"
          label="URL"
          required
          value={draft.url}
          onChange={(v) => set('url', v)}
          problem={problem}
          placeholder="https://hooks.example.com/switchboard"
          hint="A signing secret is generated and shown once, after the channel is created."
        />
      );
    case 'slack':
      return (
        <>
          <Field id="channel-slack-mode" label="Post with">
            {() => (
              <select
                id="channel-slack-mode"
                value={draft.slackMode}
                onChange={(e) => set('slackMode', e.target.value === 'bot' ? 'bot' : 'webhook')}
              >
                <option value="webhook">An incoming webhook</option>
                <option value="bot">A bot token (chat.postMessage)</option>
              </select>
            )}
          </Field>
          {draft.slackMode === 'webhook' ? (
            <TextField
              id="channel-slack-webhook"
              label="Incoming-webhook URL"
              required
              type="password"
              value={draft.slackWebhookUrl}
              onChange={(v) => set('slackWebhookUrl', v)}
              problem={problem}
              hint="A secret: stored, never shown again."
            />
          ) : (
            <>
              <TextField
                id="channel-slack-token"
                label="Bot token"
                required
                type="password"
                value={draft.slackToken}
                onChange={(v) => set('slackToken', v)}
                problem={problem}
                placeholder="xoxb-…"
                hint="A secret: stored, never shown again."
              />
              <TextField
                id="channel-slack-channel"
                label="Channel id"
                required
                value={draft.slackChannel}
                onChange={(v) => set('slackChannel', v)}
                problem={problem}
                placeholder="C0123456789"
              />
              <TextField
                id="channel-slack-api"
                label="API base URL"
                value={draft.slackApiUrl}
                onChange={(v) => set('slackApiUrl', v)}
                problem={problem}
                hint="Leave empty for Slack itself."
              />
            </>
          )}
        </>
      );
    case 'email':
      return (
        <>
          <div className="form__row">
            <TextField id="channel-host" label="SMTP host" required value={draft.host} onChange={(v) => set('host', v)} problem={problem} />
            <TextField id="channel-port" label="Port" required value={draft.port} onChange={(v) => set('port', v)} problem={problem} />
          </div>
          <Field id="channel-secure" label="Encryption">
            {() => (
              <select
                id="channel-secure"
                value={draft.secure ? 'tls' : 'starttls'}
                onChange={(e) => set('secure', e.target.value === 'tls')}
              >
                <option value="starttls">STARTTLS when the server offers it (587, 25)</option>
                <option value="tls">TLS from the first byte (465)</option>
              </select>
            )}
          </Field>
          <div className="form__row">
            <TextField id="channel-user" label="User" value={draft.user} onChange={(v) => set('user', v)} problem={problem} />
            <TextField
              id="channel-pass"
              label="Password"
              type="password"
              value={draft.pass}
              onChange={(v) => set('pass', v)}
              problem={problem}
              autoComplete="new-password"
            />
          </div>
          <TextField
            id="channel-from"
            label="From"
            required
            value={draft.from}
            onChange={(v) => set('from', v)}
            problem={problem}
            placeholder="Switchboard <alerts@example.com>"
          />
          <TextField
            id="channel-to"
            label="To"
            required
            value={draft.to}
            onChange={(v) => set('to', v)}
            problem={problem}
            hint="Comma-separated addresses."
          />
        </>
      );
  }
}

function EventChoices({ draft, set, problem }: { draft: ChannelDraft; set: Set; problem: Problem | null }) {
  const error = problem?.field === 'channel-events' ? problem.error : undefined;
  const toggle = (type: EventType, on: boolean) => set('events', on ? [...draft.events, type] : draft.events.filter((t) => t !== type));
  return (
    <fieldset className="channel-events" id="channel-events" aria-describedby={error === undefined ? undefined : 'channel-events-error'}>
      <legend>Events</legend>
      {CHANNEL_EVENTS.map((e) => (
        <label key={e.type} className="channel-events__choice">
          <input type="checkbox" checked={draft.events.includes(e.type)} onChange={(ev) => toggle(e.type, ev.target.checked)} />
          {e.label} <span className="mono small muted">{e.type}</span>
        </label>
      ))}
      {error !== undefined && (
        <p id="channel-events-error" className="field__error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** Create a channel: its type decides the settings asked for; secrets go in and never come back out. */
export function ChannelForm({ onCreated }: { onCreated: (created: CreatedNotificationChannelResponse) => void }) {
  const [draft, setDraft] = useState<ChannelDraft>(() => emptyDraft());
  const [problem, setProblem] = useState<Problem | null>(null);
  const [apiError, setApiError] = useState<string | null>(null);
  const create = useCreateChannel();
  const set: Set = (key, value) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setProblem(null);
    setApiError(null);
  };
  const type = CHANNEL_TYPES.find((t) => t.type === draft.type);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = channelInput(draft);
    if ('field' in checked) {
      setProblem(checked);
      document.getElementById(checked.field)?.focus();
      return;
    }
    create.mutate(checked.input, {
      onSuccess: (created) => {
        setDraft(emptyDraft(draft.type));
        onCreated(created);
      },
      onError: (err) => setApiError(errorMessage(err)),
    });
  };

  return (
    <form className="form channel-form" onSubmit={submit} noValidate aria-labelledby="channel-form-title" data-testid="channel-form">
      <h2 id="channel-form-title" className="panel__title">
        Add a channel
      </h2>
      <div className="form__row">
        <Field id="channel-type" label="Type" hint={type?.hint}>
          {({ describedBy }) => (
            <select
              id="channel-type"
              value={draft.type}
              onChange={(e) => set('type', e.target.value as ChannelType)}
              aria-describedby={describedBy}
            >
              {CHANNEL_TYPES.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          id="channel-name"
          label="Name"
          required
          value={draft.name}
          onChange={(v) => set('name', v)}
          problem={problem}
          placeholder="ops"
        />
      </div>
      <SettingsFields draft={draft} set={set} problem={problem} />
      <EventChoices draft={draft} set={set} problem={problem} />
      {apiError !== null && (
        <p className="form__error" role="alert">
          {apiError}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          <BellPlus size={14} aria-hidden="true" /> Add channel
        </button>
      </div>
    </form>
  );
}
