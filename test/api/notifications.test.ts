import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKENS, startHarness, type Harness } from '../support/api-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ anonymousRole: 'none' });
});
afterEach(async () => h.close());

const as = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });
const CHANNELS = '/api/notifications/channels';
const email = {
  host: 'smtp.example.org',
  port: 587,
  secure: false,
  auth: { user: 'alerts', pass: 'smtp-password-1' },
  from: 'sb@example.org',
  to: ['ops@example.org'],
};

async function create(body: object) {
  const res = await h.request('POST', CHANNELS, body, as('admin'));
  return { status: res.statusCode, json: res.json as unknown as Record<string, any>, body: res.body };
}

describe('notification channels over REST', () => {
  it('creates each type with default events; secrets are write-only: named in `secrets`, never returned, the webhook secret once', async () => {
    const hook = await create({ type: 'webhook', name: 'ops hook', settings: { url: 'https://hooks.example.org/sb' } });
    expect(hook.status).toBe(201);
    expect(hook.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(hook.json.channel).toMatchObject({
      type: 'webhook',
      name: 'ops hook',
      enabled: true,
      settings: { url: 'https://hooks.example.org/sb' },
      secrets: ['secret'],
      events: ['task.sla_warning', 'task.sla_violated', 'task.failed', 'agent.offline', 'agent.overloaded', 'notification.failed'],
      filters: {},
    });
    const slack = await create({
      type: 'slack',
      name: 'slack',
      settings: { webhookUrl: 'https://hooks.slack.example/T/B/slack-secret-url' },
    });
    expect(slack.status).toBe(201);
    expect(slack.json.secret).toBeUndefined();
    expect(slack.json.channel).toMatchObject({ settings: {}, secrets: ['webhookUrl'] });
    const bot = await create({ type: 'slack', name: 'bot', settings: { token: 'xoxb-bot-token-1', channel: 'C123' } });
    expect(bot.json.channel).toMatchObject({ settings: { channel: 'C123' }, secrets: ['token'] });
    const mail = await create({ type: 'email', name: 'mail', events: ['task.failed'], filters: { priorities: ['P0'] }, settings: email });
    expect(mail.json.channel).toMatchObject({
      events: ['task.failed'],
      filters: { priorities: ['P0'] },
      settings: {
        host: 'smtp.example.org',
        port: 587,
        secure: false,
        auth: { user: 'alerts' },
        from: 'sb@example.org',
        to: ['ops@example.org'],
      },
      secrets: ['auth.pass'],
    });
    const everything = [hook.body, slack.body, bot.body, mail.body].join('\n');
    expect(everything).not.toContain('slack-secret-url');
    expect(everything).not.toContain('xoxb-bot-token-1');
    expect(everything).not.toContain('smtp-password-1');

    const listed = await h.request('GET', CHANNELS, undefined, as('viewer'));
    expect(listed.statusCode).toBe(200);
    const text = listed.body;
    for (const secret of [hook.json.secret as string, 'slack-secret-url', 'xoxb-bot-token-1', 'smtp-password-1'])
      expect(text).not.toContain(secret);
    expect((listed.json as unknown as { channels: unknown[] }).channels).toHaveLength(4);
  });

  it('PATCH changes settings and keeps the secrets it is not given; the stored secret still signs', async () => {
    const mail = await create({ type: 'email', name: 'mail', settings: email });
    const id = mail.json.channel.id as string;
    const patched = await h.request(
      'PATCH',
      `${CHANNELS}/${id}`,
      { name: 'mail 2', enabled: false, settings: { ...email, auth: { user: 'alerts2' }, to: ['a@example.org'] } },
      as('admin'),
    );
    expect(patched.statusCode).toBe(200);
    expect(patched.json as unknown).toMatchObject({
      channel: { name: 'mail 2', enabled: false, settings: { auth: { user: 'alerts2' }, to: ['a@example.org'] }, secrets: ['auth.pass'] },
    });
    expect(patched.body).not.toContain('smtp-password-1');
    const stored = await h.store.notifications.getChannel({ id });
    expect(stored?.settings).toMatchObject({ auth: { user: 'alerts2', pass: 'smtp-password-1' } });

    const hook = await create({ type: 'webhook', name: 'hook', settings: { url: 'https://a.example.org' } });
    const hookId = hook.json.channel.id as string;
    await h.request('PATCH', `${CHANNELS}/${hookId}`, { settings: { url: 'https://b.example.org' } }, as('admin'));
    expect((await h.store.notifications.getChannel({ id: hookId }))?.settings).toEqual({
      url: 'https://b.example.org',
      secret: hook.json.secret,
    });
  });

  it('refuses bad input with 400 VALIDATION_FAILED naming the field, and unknown ids with 404 NOTIFICATION_NOT_FOUND', async () => {
    const cases: [object, string][] = [
      [{ type: 'pager', name: 'x', settings: {} }, '/type'],
      [{ type: 'webhook', name: '', settings: { url: 'https://a.example.org' } }, '/name'],
      [{ type: 'webhook', name: 'x', settings: { url: 'ftp://a.example.org' } }, '/settings/url'],
      [{ type: 'webhook', name: 'x', settings: { url: 'https://a.example.org', secret: 'whsec_mine' } }, '/settings'],
      [{ type: 'webhook', name: 'x', settings: { url: 'https://a.example.org' }, events: ['task.exploded'] }, '/events/0'],
      [{ type: 'webhook', name: 'x', settings: { url: 'https://a.example.org' }, filters: { colours: ['red'] } }, '/filters'],
      [{ type: 'email', name: 'x', settings: { ...email, to: [] } }, '/settings/to'],
      [{ type: 'email', name: 'x', settings: { ...email, port: 70_000 } }, '/settings/port'],
      [{ type: 'slack', name: 'x', settings: { channel: 'C1' } }, '/settings'],
      [{ type: 'webhook', name: 'x' }, '/settings'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json, JSON.stringify(body)).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(res.json.details), JSON.stringify(body)).toContain(field);
    }
    const ghost = await h.request('PATCH', `${CHANNELS}/ch_ghost`, { name: 'x' }, as('admin'));
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json).toMatchObject({ code: 'NOTIFICATION_NOT_FOUND', details: { channelId: 'ch_ghost' } });
    expect((await h.request('DELETE', `${CHANNELS}/ch_ghost`, undefined, as('admin'))).statusCode).toBe(404);
    expect((await h.request('POST', `${CHANNELS}/ch_ghost/test`, undefined, as('admin'))).statusCode).toBe(404);
    expect((await h.request('POST', '/api/notifications/deliveries/msg_ghost/retry', undefined, as('admin'))).json).toMatchObject({
      code: 'NOTIFICATION_NOT_FOUND',
    });
    const badCursor = await h.request('GET', '/api/notifications/deliveries?cursor=nope', undefined, as('viewer'));
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: '/cursor' } });
  });

  it('writes are admin-only; viewers and operators read channels, deliveries and the summary', async () => {
    const body = { type: 'webhook', name: 'x', settings: { url: 'https://a.example.org' } };
    for (const role of ['viewer', 'operator'] as const) {
      expect((await h.request('POST', CHANNELS, body, as(role))).statusCode).toBe(403);
    }
    const id = (await create(body)).json.channel.id as string;
    for (const role of ['viewer', 'operator'] as const) {
      expect((await h.request('PATCH', `${CHANNELS}/${id}`, { name: 'y' }, as(role))).statusCode).toBe(403);
      expect((await h.request('DELETE', `${CHANNELS}/${id}`, undefined, as(role))).statusCode).toBe(403);
      expect((await h.request('POST', `${CHANNELS}/${id}/test`, undefined, as(role))).statusCode).toBe(403);
      for (const url of [CHANNELS, '/api/notifications/deliveries', '/api/notifications/summary']) {
        expect((await h.request('GET', url, undefined, as(role))).statusCode).toBe(200);
      }
    }
    expect((await h.request('GET', CHANNELS)).statusCode).toBe(401);
    expect((await h.request('DELETE', `${CHANNELS}/${id}`, undefined, as('admin'))).json).toMatchObject({ success: true, deleted: true });
    expect((await h.request('GET', CHANNELS, undefined, as('admin'))).json).toMatchObject({ channels: [] });
  });

  it('the outbox row is written in the transition that causes it, and a page of deliveries continues with nextCursor', async () => {
    await create({ type: 'webhook', name: 'hook', events: ['task.created'], settings: { url: 'http://127.0.0.1:9/unreachable' } });
    for (let i = 0; i < 5; i++) await h.request('POST', '/api/tasks', { title: `t${i}` }, as('admin'));
    const first = await h.request('GET', '/api/notifications/deliveries?limit=3', undefined, as('viewer'));
    const page1 = first.json as unknown as { deliveries: { id: string; status: string; channelName: string }[]; nextCursor: string };
    expect(page1.deliveries).toHaveLength(3);
    expect(page1.deliveries.every((d) => d.status === 'pending' && d.channelName === 'hook')).toBe(true);
    const second = await h.request('GET', `/api/notifications/deliveries?limit=3&cursor=${page1.nextCursor}`, undefined, as('viewer'));
    const page2 = second.json as unknown as { deliveries: { id: string }[]; nextCursor: string | null };
    expect(page2.deliveries).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();
    expect(new Set([...page1.deliveries, ...page2.deliveries].map((d) => d.id)).size).toBe(5);
  });

  it('the test-send reports the outcome of a real attempt', async () => {
    const id = (await create({ type: 'webhook', name: 'nowhere', settings: { url: 'http://127.0.0.1:9/closed' } })).json.channel
      .id as string;
    const res = await h.request('POST', `${CHANNELS}/${id}/test`, undefined, as('admin'));
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ success: true, outcome: { ok: false, retryable: true, detail: expect.any(String) } });
  });
});
