import { afterEach, describe, expect, it } from 'vitest';
import { renderNotification } from '../../src/notifications/render.js';
import { emailSender } from '../../src/notifications/senders/email.js';
import type { EmailSettings, OutgoingNotification } from '../../src/notifications/types.js';
import { parseMail, startSmtpListener } from './smtp-listener.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

const notification: OutgoingNotification = {
  id: 'msg_01JEMAIL',
  type: 'task.failed',
  timestamp: T0,
  attempt: 1,
  data: {
    event: { id: 9, type: 'task.failed', taskId: 'tsk_1', payload: { reason: 'exit code 2 <stderr>', attempts: 3, final: true } },
    task: { id: 'tsk_1', title: 'Rotate the billing keys & certs', priority: 'P1', status: 'FAILED', agent: 'agt_7', slaDeadline: null },
    agent: null,
  },
  dashboardUrl: 'http://127.0.0.1:1/tasks/tsk_1',
};
const rendered = renderNotification(notification);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(options: Parameters<typeof startSmtpListener>[0] = {}) {
  const smtp = await startSmtpListener(options);
  const sender = emailSender();
  cleanups.push(smtp.close, sender.close);
  const settings: EmailSettings = {
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    from: 'Switchboard <alerts@switchboard.test>',
    to: ['oncall@example.test', 'lead@example.test'],
  };
  return { smtp, sender, settings };
}

const signal = () => new AbortController().signal;

describe('emailSender against a real SMTP server on loopback', () => {
  it('logs in and delivers the rendered subject, text and HTML to every recipient', async () => {
    const { smtp, sender, settings } = await setUp({ users: { mailer: 's3cret' } });
    const outcome = await sender.send({ ...settings, auth: { user: 'mailer', pass: 's3cret' } }, notification, signal());
    expect(outcome).toMatchObject({ ok: true, status: 250 });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.user).toBe('mailer');
    expect(mail?.from).toBe('alerts@switchboard.test');
    expect(mail?.to).toEqual(['oncall@example.test', 'lead@example.test']);
    const parsed = parseMail(mail?.raw ?? '');
    expect(parsed.headers.get('subject')).toBe('Task failed: Rotate the billing keys & certs');
    expect(parsed.headers.get('message-id')).toBe('<msg_01JEMAIL@switchboard.test>');
    expect(parsed.headers.get('x-switchboard-event')).toBe('task.failed');
    expect(parsed.text?.trimEnd()).toBe(rendered.text.trimEnd());
    expect(parsed.html?.trimEnd()).toBe(rendered.html);
    expect(parsed.html).toContain('Rotate the billing keys &amp; certs');
    expect(parsed.html).toContain('exit code 2 &lt;stderr&gt;');
  });

  it('reuses one pooled connection for a burst to the same server', async () => {
    const { smtp, sender, settings } = await setUp();
    for (let i = 0; i < 3; i += 1) expect(await sender.send(settings, notification, signal())).toMatchObject({ ok: true });
    expect(smtp.received).toHaveLength(3);
    expect(smtp.connections()).toBe(1);
  });

  it('a 550 for the only recipient is permanent, with the reply in the detail', async () => {
    const { smtp, sender, settings } = await setUp({
      refuse: { 'gone@example.test': { code: 550, message: '5.1.1 Mailbox unavailable' } },
    });
    const outcome = await sender.send({ ...settings, to: ['gone@example.test'] }, notification, signal());
    expect(outcome).toMatchObject({ ok: false, retryable: false, status: 550 });
    expect(outcome.detail).toMatch(/^550 5\.1\.1 Mailbox unavailable/);
    expect(smtp.received).toHaveLength(0);
  });

  it('a refused recipient among accepted ones still delivers, and the detail names it', async () => {
    const { smtp, sender, settings } = await setUp({
      refuse: { 'gone@example.test': { code: 550, message: '5.1.1 Mailbox unavailable' } },
    });
    const outcome = await sender.send({ ...settings, to: ['oncall@example.test', 'gone@example.test'] }, notification, signal());
    expect(outcome).toMatchObject({ ok: true, status: 250 });
    expect(outcome.detail).toContain('refused gone@example.test: 550 5.1.1 Mailbox unavailable');
    expect(smtp.received[0]?.to).toEqual(['oncall@example.test']);
  });

  it('a 4xx reply is retryable', async () => {
    const { sender, settings } = await setUp({ refuse: { 'busy@example.test': { code: 451, message: '4.3.0 Try again later' } } });
    const outcome = await sender.send({ ...settings, to: ['busy@example.test'] }, notification, signal());
    expect(outcome).toMatchObject({ ok: false, retryable: true, status: 451 });
    expect(outcome.detail).toContain('451 4.3.0 Try again later');
  });

  it('a wrong password is a permanent 535', async () => {
    const { smtp, sender, settings } = await setUp({ users: { mailer: 's3cret' } });
    const outcome = await sender.send({ ...settings, auth: { user: 'mailer', pass: 'wrong' } }, notification, signal());
    expect(outcome).toMatchObject({ ok: false, retryable: false, status: 535 });
    expect(outcome.detail).toContain('Authentication credentials invalid');
    expect(smtp.received).toHaveLength(0);
  });

  it('a server that is down is a retryable connection failure', async () => {
    const { smtp, sender, settings } = await setUp();
    await smtp.close();
    const outcome = await sender.send(settings, notification, signal());
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.detail).toMatch(/ECONNREFUSED/);
  });

  it('STARTTLS is used when the server offers it (here its self-signed certificate is refused, so nothing goes in clear)', async () => {
    const { smtp, sender, settings } = await setUp({ starttls: true });
    const outcome = await sender.send(settings, notification, signal());
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.detail).toMatch(/certificate/i);
    expect(smtp.received).toHaveLength(0);
  });

  it("stops waiting when the dispatcher's signal aborts", async () => {
    const { sender, settings } = await setUp();
    const controller = new AbortController();
    controller.abort(new Error('delivery timed out'));
    expect(await sender.send(settings, notification, controller.signal)).toEqual({
      ok: false,
      retryable: true,
      detail: 'aborted: delivery timed out',
    });
  });
});
