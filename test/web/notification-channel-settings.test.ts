import { describe, expect, it } from 'vitest';
import type { NotificationChannelView } from '../../src/sdk/index.js';
import { channelInput, channelTarget, emptyDraft } from '../../web/src/views/notifications/channel-settings.js';

describe('the channel form draft becomes the API request', () => {
  it('a webhook needs a name, an event and an http(s) URL', () => {
    expect(channelInput({ ...emptyDraft('webhook'), url: 'https://x.test/hook' })).toEqual({
      field: 'channel-name',
      error: 'A name is required',
    });
    expect(channelInput({ ...emptyDraft('webhook'), name: 'ops', url: 'ftp://x' })).toMatchObject({ field: 'channel-url' });
    expect(channelInput({ ...emptyDraft('webhook'), name: 'ops', url: 'https://x.test/hook', events: [] })).toMatchObject({
      field: 'channel-events',
    });
    expect(channelInput({ ...emptyDraft('webhook'), name: ' ops ', url: ' https://x.test/hook ' })).toEqual({
      input: {
        type: 'webhook',
        name: 'ops',
        events: ['task.sla_warning', 'task.sla_violated', 'task.failed', 'agent.offline', 'agent.overloaded'],
        settings: { url: 'https://x.test/hook' },
      },
    });
  });

  it('Slack takes an incoming-webhook URL, or a bot token and channel with an optional API URL', () => {
    const slack = { ...emptyDraft('slack'), name: 'alerts' };
    expect(channelInput({ ...slack, slackWebhookUrl: 'https://hooks.slack.test/T/B/X' })).toMatchObject({
      input: { settings: { webhookUrl: 'https://hooks.slack.test/T/B/X' } },
    });
    expect(channelInput({ ...slack, slackMode: 'bot', slackToken: 'xoxb-1' })).toMatchObject({ field: 'channel-slack-channel' });
    expect(channelInput({ ...slack, slackMode: 'bot', slackToken: 'xoxb-1', slackChannel: 'C1' })).toMatchObject({
      input: { settings: { token: 'xoxb-1', channel: 'C1' } },
    });
    expect(
      channelInput({ ...slack, slackMode: 'bot', slackToken: 'xoxb-1', slackChannel: 'C1', slackApiUrl: 'http://127.0.0.1:9/api' }),
    ).toMatchObject({ input: { settings: { token: 'xoxb-1', channel: 'C1', apiUrl: 'http://127.0.0.1:9/api' } } });
  });

  it('email: host, a valid port, from and at least one recipient; auth only with a user', () => {
    const email = { ...emptyDraft('email'), name: 'mail', host: 'smtp.test', from: 'sb@x.test', to: 'a@x.test, b@x.test' };
    expect(channelInput({ ...email, port: '70000' })).toMatchObject({ field: 'channel-port' });
    expect(channelInput({ ...email, to: ' , ' })).toMatchObject({ field: 'channel-to' });
    expect(channelInput({ ...email, user: 'u' })).toMatchObject({ field: 'channel-pass' });
    expect(channelInput(email)).toMatchObject({
      input: { settings: { host: 'smtp.test', port: 587, secure: false, from: 'sb@x.test', to: ['a@x.test', 'b@x.test'] } },
    });
    expect(channelInput({ ...email, secure: true, port: '465', user: 'u', pass: 'p' })).toMatchObject({
      input: { settings: { port: 465, secure: true, auth: { user: 'u', pass: 'p' } } },
    });
  });
});

describe('channelTarget', () => {
  const channel = (type: NotificationChannelView['type'], settings: Record<string, unknown>): NotificationChannelView => ({
    id: 'chn_1',
    name: 'x',
    type,
    events: [],
    filters: {},
    enabled: true,
    settings,
    secrets: [],
    createdAt: 0,
  });

  it('says where each type sends from its non-secret settings', () => {
    expect(channelTarget(channel('webhook', { url: 'https://x.test/hook' }))).toBe('https://x.test/hook');
    expect(channelTarget(channel('slack', {}))).toBe('Incoming webhook');
    expect(channelTarget(channel('slack', { channel: 'C1' }))).toBe('Bot → C1');
    expect(channelTarget(channel('email', { host: 'smtp.test', port: 25, to: ['a@x.test', 'b@x.test'] }))).toBe(
      'smtp.test:25 → a@x.test, b@x.test',
    );
  });
});
