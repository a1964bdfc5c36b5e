import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderNotification } from '../../src/notifications/render.js';
import { slackSender } from '../../src/notifications/senders/slack.js';
import type { OutgoingNotification } from '../../src/notifications/types.js';
import { startRecordingServer } from './recording-http-server.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

const notification: OutgoingNotification = {
  id: 'msg_1',
  type: 'task.sla_violated',
  timestamp: T0,
  attempt: 1,
  data: {
    event: { id: 7, type: 'task.sla_violated', taskId: 'tsk_1', payload: { deadline: new Date(T0 - 60_000).toISOString() } },
    task: {
      id: 'tsk_1',
      title: 'Rotate the billing keys',
      priority: 'P0',
      status: 'IN_PROGRESS',
      agent: 'agt_7',
      slaDeadline: new Date(T0 - 60_000).toISOString(),
    },
    agent: null,
  },
  dashboardUrl: 'http://127.0.0.1:1/tasks/tsk_1',
};

const expected = renderNotification(notification);
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

let slack: Awaited<ReturnType<typeof startRecordingServer>>;
beforeEach(async () => {
  slack = await startRecordingServer();
});
afterEach(async () => {
  await slack.close();
});

const send = (settings: Parameters<typeof slackSender.send>[0], signal = new AbortController().signal) =>
  slackSender.send(settings, notification, signal);

describe('slackSender through an incoming webhook', () => {
  const webhook = () => ({ webhookUrl: `${slack.url}/services/T000/B000/XXXX` });

  it('posts the Block Kit message as JSON and reports success', async () => {
    slack.respond(() => ({ status: 200, body: 'ok' }));
    expect(await send(webhook())).toEqual({ ok: true, status: 200, detail: 'ok' });
    expect(slack.requests).toHaveLength(1);
    const [req] = slack.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/services/T000/B000/XXXX');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['authorization']).toBeUndefined();
    const body = JSON.parse(req?.body ?? '') as { text: string; blocks: unknown[] };
    expect(body.text).toBe('SLA violated: Rotate the billing keys');
    expect(body.blocks).toEqual(expected.slackBlocks);
  });

  it("Slack's 4xx answers are permanent, with Slack's error word in the detail", async () => {
    slack.respond(() => ({ status: 404, body: 'no_service' }));
    expect(await send(webhook())).toEqual({ ok: false, retryable: false, status: 404, detail: '404 Not Found: no_service' });
    slack.respond(() => ({ status: 410, body: 'channel_is_archived' }));
    expect(await send(webhook())).toMatchObject({ ok: false, retryable: false, status: 410 });
  });

  it('429 and 5xx are retryable, and the library does not retry by itself', async () => {
    slack.respond(() => ({ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }));
    expect(await send(webhook())).toMatchObject({ ok: false, retryable: true, status: 429 });
    slack.respond(() => ({ status: 500, body: 'rollup_error' }));
    expect(await send(webhook())).toEqual({ ok: false, retryable: true, status: 500, detail: '500 Internal Server Error: rollup_error' });
    expect(slack.requests).toHaveLength(2);
  });

  it('a receiver that is down is a retryable connection failure', async () => {
    const url = webhook().webhookUrl;
    await slack.close();
    slack = await startRecordingServer();
    const outcome = await send({ webhookUrl: url });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.ok === false && outcome.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('slackSender as a bot (chat.postMessage with a token)', () => {
  const bot = () => ({ token: 'xoxb-test-token', channel: 'C0123', apiUrl: `${slack.url}/api` });

  it('calls chat.postMessage with the bearer token, the channel and the blocks', async () => {
    slack.respond(() => json(200, { ok: true, channel: 'C0123', ts: '1733054400.000100' }));
    expect(await send(bot())).toEqual({ ok: true, status: 200, detail: 'posted to C0123 (ts 1733054400.000100)' });
    expect(slack.requests).toHaveLength(1);
    const [req] = slack.requests;
    expect(req?.url).toBe('/api/chat.postMessage');
    expect(req?.headers['authorization']).toBe('Bearer xoxb-test-token');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req?.body);
    expect(form.get('channel')).toBe('C0123');
    expect(form.get('text')).toBe('SLA violated: Rotate the billing keys');
    expect(JSON.parse(form.get('blocks') ?? '')).toEqual(expected.slackBlocks);
  });

  it('ok:false errors that need a person (channel_not_found, invalid_auth) are permanent', async () => {
    slack.respond(() => json(200, { ok: false, error: 'channel_not_found' }));
    expect(await send(bot())).toEqual({ ok: false, retryable: false, status: 200, detail: 'Slack: channel_not_found' });
    slack.respond(() => json(200, { ok: false, error: 'invalid_auth' }));
    expect(await send(bot())).toEqual({ ok: false, retryable: false, status: 200, detail: 'Slack: invalid_auth' });
  });

  it('ratelimited (as a 429 or as ok:false) and 5xx are retryable, each in one request', async () => {
    slack.respond(() => json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' }));
    const started = performance.now();
    expect(await send(bot())).toEqual({ ok: false, retryable: true, status: 429, detail: 'Slack: ratelimited (retry after 30 s)' });
    // The client did not sleep out Retry-After inside the attempt: the dispatcher backs off instead.
    expect(performance.now() - started).toBeLessThan(5_000);
    slack.respond(() => json(200, { ok: false, error: 'ratelimited' }));
    expect(await send(bot())).toMatchObject({ ok: false, retryable: true, detail: 'Slack: ratelimited' });
    slack.respond(() => ({ status: 503, body: 'upstream down' }));
    expect(await send(bot())).toEqual({ ok: false, retryable: true, status: 503, detail: '503 Service Unavailable: upstream down' });
    expect(slack.requests).toHaveLength(3);
  });

  it("the dispatcher's abort signal cancels the request as a retryable outcome", async () => {
    const controller = new AbortController();
    controller.abort(new Error('delivery timed out after 10000 ms'));
    const outcome = await send(bot(), controller.signal);
    expect(outcome).toEqual({ ok: false, retryable: true, detail: 'request aborted: delivery timed out after 10000 ms' });
    expect(slack.requests).toHaveLength(0);
  });
});
