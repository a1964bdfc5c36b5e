import type { ChannelType, CreateNotificationChannelInput, EventType, NotificationChannelView } from 'switchboard/sdk';
import { splitList } from '../../lib/format.js';

/**
 * The events a channel can subscribe to, the server's defaults first. `notification.failed`
 * and `task.escalated` are opt-in: a channel that reports its own failures would loop.
 */
export const CHANNEL_EVENTS = [
  { type: 'task.sla_warning', label: 'SLA warning', byDefault: true },
  { type: 'task.sla_violated', label: 'SLA violated', byDefault: true },
  { type: 'task.failed', label: 'Task failed', byDefault: true },
  { type: 'agent.offline', label: 'Agent offline', byDefault: true },
  { type: 'agent.overloaded', label: 'Agent overloaded', byDefault: true },
  { type: 'task.escalated', label: 'Task escalated', byDefault: false },
  { type: 'notification.failed', label: 'Another channel failed', byDefault: false },
] as const satisfies ReadonlyArray<{ type: EventType; label: string; byDefault: boolean }>;

export const CHANNEL_TYPES: ReadonlyArray<{ type: ChannelType; label: string; hint: string }> = [
  { type: 'webhook', label: 'Webhook', hint: 'Signed JSON (Standard Webhooks) POSTed to your URL.' },
  { type: 'slack', label: 'Slack', hint: 'An incoming-webhook URL, or a bot token and a channel id.' },
  { type: 'email', label: 'Email', hint: 'Through your SMTP server, as text and HTML.' },
];

/** What the create form holds, every field as typed; `settingsOf` turns it into the API's settings. */
export interface ChannelDraft {
  type: ChannelType;
  name: string;
  events: EventType[];
  url: string;
  slackMode: 'webhook' | 'bot';
  slackWebhookUrl: string;
  slackToken: string;
  slackChannel: string;
  slackApiUrl: string;
  host: string;
  port: string;
  secure: boolean;
  user: string;
  pass: string;
  from: string;
  to: string;
}

export function emptyDraft(type: ChannelType = 'webhook'): ChannelDraft {
  return {
    type,
    name: '',
    events: CHANNEL_EVENTS.filter((e) => e.byDefault).map((e) => e.type),
    url: '',
    slackMode: 'webhook',
    slackWebhookUrl: '',
    slackToken: '',
    slackChannel: '',
    slackApiUrl: '',
    host: '',
    port: '587',
    secure: false,
    user: '',
    pass: '',
    from: '',
    to: '',
  };
}

/** The create request, or the first field that is missing or wrong (by its input id) and why. */
export function channelInput(d: ChannelDraft): { input: CreateNotificationChannelInput } | { field: string; error: string } {
  if (d.name.trim() === '') return { field: 'channel-name', error: 'A name is required' };
  if (d.events.length === 0) return { field: 'channel-events', error: 'Choose at least one event' };
  const settings = settingsOf(d);
  if ('field' in settings) return settings;
  return { input: { type: d.type, name: d.name.trim(), events: d.events, settings: settings.settings } };
}

function settingsOf(d: ChannelDraft): { settings: Record<string, unknown> } | { field: string; error: string } {
  switch (d.type) {
    case 'webhook':
      return isHttpUrl(d.url) ? { settings: { url: d.url.trim() } } : { field: 'channel-url', error: 'An http(s) URL is required' };
    case 'slack':
      if (d.slackMode === 'webhook') {
        return isHttpUrl(d.slackWebhookUrl)
          ? { settings: { webhookUrl: d.slackWebhookUrl.trim() } }
          : { field: 'channel-slack-webhook', error: 'The incoming-webhook URL is required' };
      }
      if (d.slackToken.trim() === '') return { field: 'channel-slack-token', error: 'The bot token is required' };
      if (d.slackChannel.trim() === '') return { field: 'channel-slack-channel', error: 'The channel id is required' };
      if (d.slackApiUrl.trim() !== '' && !isHttpUrl(d.slackApiUrl))
        return { field: 'channel-slack-api', error: 'An http(s) URL, or empty' };
      return {
        settings: {
          token: d.slackToken.trim(),
          channel: d.slackChannel.trim(),
          ...(d.slackApiUrl.trim() === '' ? {} : { apiUrl: d.slackApiUrl.trim() }),
        },
      };
    case 'email': {
      const port = Number(d.port);
      const to = splitList(d.to);
      if (d.host.trim() === '') return { field: 'channel-host', error: 'The SMTP host is required' };
      if (!Number.isInteger(port) || port < 1 || port > 65_535) return { field: 'channel-port', error: 'A port from 1 to 65535' };
      if (d.from.trim() === '') return { field: 'channel-from', error: 'The sender address is required' };
      if (to.length === 0) return { field: 'channel-to', error: 'At least one recipient' };
      if (d.user.trim() !== '' && d.pass === '') return { field: 'channel-pass', error: 'The password of this user' };
      const auth = d.user.trim() === '' ? {} : { auth: { user: d.user.trim(), pass: d.pass } };
      return { settings: { host: d.host.trim(), port, secure: d.secure, ...auth, from: d.from.trim(), to } };
    }
  }
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Where a channel sends, from its non-secret settings (a Slack incoming-webhook URL is itself a secret). */
export function channelTarget(c: NotificationChannelView): string {
  const s = c.settings;
  const text = (key: string) => (typeof s[key] === 'string' ? (s[key] as string) : null);
  switch (c.type) {
    case 'webhook':
      return text('url') ?? '—';
    case 'slack':
      return text('channel') === null ? 'Incoming webhook' : `Bot → ${text('channel')}`;
    case 'email': {
      const to = Array.isArray(s['to']) ? (s['to'] as unknown[]).map(String).join(', ') : '';
      return `${text('host') ?? '?'}:${String(s['port'] ?? '?')} → ${to}`;
    }
  }
}
