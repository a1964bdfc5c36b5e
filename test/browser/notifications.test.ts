import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type SwitchboardClient } from '../../src/sdk/index.js';
import { startRecordingServer } from '../notifications/recording-http-server.js';
import { parseMail, startSmtpListener } from '../notifications/smtp-listener.js';
import { describeBrowser, firstStartToken, screenshot, serverAndBrowser, waitForLive, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 10_000;
/** The dispatcher polls the outbox; a delivery is attempted within a few seconds. */
const DELIVERY_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 120_000;

describeBrowser('notifications page and failure banner (browser)', () => {
  const running = serverAndBrowser();
  let receiver: Awaited<ReturnType<typeof startRecordingServer>>;
  let context: BrowserContext;
  let page: Page;
  let console: ReturnType<typeof watchConsole>;
  let admin: SwitchboardClient;
  let adminToken: string;

  beforeAll(async () => {
    receiver = await startRecordingServer();
    adminToken = firstStartToken(running.server.output());
    admin = createClient({ url: running.server.baseUrl, token: adminToken });
    await admin.agents.register({ id: 'ci-bot', name: 'CI bot', capabilities: ['ci'], maxConcurrentTasks: 1 });
    context = await running.browser.newContext({ baseURL: running.server.baseUrl, viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    console = watchConsole(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await receiver?.close();
  });

  it(
    'creates a webhook channel whose secret shows once, test-sends it, shows a failing delivery in the banner live, and retries it',
    async () => {
      await page.goto('/notifications');
      await page.getByText('No channels yet').waitFor({ timeout: UI_TIMEOUT_MS });
      // The loopback page works as the anonymous operator; channels are an admin's to create.
      await page.getByTestId('sign-in').click();
      const prompt = page.getByRole('dialog', { name: 'Sign in' });
      await prompt.getByLabel('Token').fill(adminToken);
      await prompt.getByRole('button', { name: 'Use token' }).click();
      await prompt.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await waitForLive(page);

      const form = page.getByTestId('channel-form');
      await form.getByLabel('Type').selectOption('webhook');
      await form.getByLabel('Name').fill('ops');
      await form.getByLabel('URL').fill(`${receiver.url}/hooks/switchboard`);
      await form.getByRole('button', { name: 'Add channel' }).click();

      const shown = page.getByTestId('channel-secret');
      await shown.waitFor({ timeout: UI_TIMEOUT_MS });
      const secret = await shown.getByLabel('Signing secret').inputValue();
      expect(secret).toMatch(/^whsec_/);
      await shown.getByRole('button', { name: 'Copy' }).click();
      await shown.getByText('Copied to the clipboard.').waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(secret);
      await screenshot(page, 'notifications-secret');
      await shown.getByRole('button', { name: 'Done' }).click();
      await shown.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await expect(page.content()).resolves.not.toContain(secret);

      // The list names the secret and masks it; a reload never brings the value back.
      const row = page.locator('tr[data-channel-name="ops"]');
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(row.getByTestId('channel-secrets').textContent()).resolves.toContain('••••');
      await page.reload();
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(page.content()).resolves.not.toContain(secret);

      // Test-send against the loopback receiver: the outcome shows beside the channel.
      await row.getByRole('button', { name: 'Send a test message to ops' }).click();
      const outcome = row.getByTestId('test-outcome');
      await page.locator('[data-testid="test-outcome"][data-outcome="ok"]').waitFor({ timeout: DELIVERY_TIMEOUT_MS });
      await expect(outcome.textContent()).resolves.toBe('Delivered: 200 OK: ok');
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]?.url).toBe('/hooks/switchboard');
      expect(receiver.requests[0]?.headers['webhook-signature']).toMatch(/^v1,/);

      // The receiver refuses for good; a task failure the channel subscribes to is then dead at once.
      receiver.respond(() => ({ status: 400, body: 'bad hook' }));
      const { task } = await admin.tasks.create({ title: 'Nightly build', priority: 'P1', maxAttempts: 1 });
      await admin.tasks.assign(task.id, { agentId: 'ci-bot', force: true });
      await admin.tasks.start(task.id);
      await admin.tasks.fail(task.id, { reason: 'exit 1' });
      const banner = page.getByTestId('notification-banner');
      // Live: the notification.failed event refreshes the banner, no reload.
      await banner.waitFor({ timeout: DELIVERY_TIMEOUT_MS });
      await expect(banner.textContent()).resolves.toContain('ops');
      await screenshot(page, 'notifications-banner');

      // The banner leads to the failures; Retry sends it again once the receiver is back.
      await banner.getByRole('link', { name: 'See deliveries' }).click();
      const failed = page.locator('tr[data-delivery-id]', { hasText: 'task.failed' });
      await failed.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(failed.getAttribute('data-status')).resolves.toMatch(/^(failed|dead)$/);
      await expect(failed.textContent()).resolves.toContain(task.id);
      const firstId = receiver.requests.at(-1)?.headers['webhook-id'];
      receiver.respond(() => ({ status: 200, body: 'ok' }));
      await failed.getByRole('button', { name: 'Retry: task.failed to ops' }).click();
      await banner.waitFor({ state: 'detached', timeout: DELIVERY_TIMEOUT_MS });

      await page.getByLabel('Status').selectOption('delivered');
      const delivered = page.locator('tr[data-delivery-id][data-status="delivered"]', { hasText: 'task.failed' });
      // The open list is read again every 10 s: the retried delivery turns up there as delivered.
      await expect.poll(() => delivered.count(), { timeout: DELIVERY_TIMEOUT_MS }).toBe(1);
      // The retry is the same notification: the same webhook-id as the refused attempt.
      expect(receiver.requests.at(-1)?.headers['webhook-id']).toBe(firstId);
      await expect(delivered.getByRole('button', { name: 'Send again: task.failed to ops' }).count()).resolves.toBe(1);
      await screenshot(page, 'notifications');

      // The refused delivery's 400 was provoked on purpose.
      expect(console.problems([/status of 40[0-4]/])).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a Slack bot channel and an email channel test-send through the real senders to loopback stand-ins',
    async () => {
      const slack = await startRecordingServer(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ok: true, channel: 'C0TEAM', ts: '1.000100' }),
      }));
      const smtp = await startSmtpListener({ users: { mailer: 'smtp-pass-1' } });
      try {
        await page.goto('/notifications');
        await page.locator('tr[data-channel-name="ops"]').waitFor({ timeout: UI_TIMEOUT_MS });

        await page.getByRole('button', { name: 'Add a channel' }).click();
        const form = page.getByTestId('channel-form');
        await form.getByLabel('Type').selectOption('slack');
        await form.getByLabel('Name').fill('team-slack');
        await form.getByLabel('Post with').selectOption('bot');
        await form.getByLabel('Bot token').fill('xoxb-browser-test');
        await form.getByLabel('Channel id').fill('C0TEAM');
        await form.getByLabel('API base URL').fill(`${slack.url}/api/`);
        await form.getByRole('button', { name: 'Add channel' }).click();
        const slackRow = page.locator('tr[data-channel-name="team-slack"]');
        await slackRow.waitFor({ timeout: UI_TIMEOUT_MS });
        await expect(slackRow.getByTestId('channel-secrets').textContent()).resolves.toBe('token ••••');
        await expect(page.content()).resolves.not.toContain('xoxb-browser-test');
        await slackRow.getByRole('button', { name: 'Send a test message to team-slack' }).click();
        await slackRow.locator('[data-testid="test-outcome"][data-outcome="ok"]').waitFor({ timeout: DELIVERY_TIMEOUT_MS });
        await expect(slackRow.getByTestId('test-outcome').textContent()).resolves.toContain('posted to C0TEAM');
        expect(slack.requests[0]?.url).toBe('/api/chat.postMessage');
        expect(slack.requests[0]?.headers['authorization']).toBe('Bearer xoxb-browser-test');
        const blocks = JSON.parse(new URLSearchParams(slack.requests[0]?.body).get('blocks') ?? '[]') as Array<{ type: string }>;
        expect(blocks[0]?.type).toBe('header');

        await page.getByRole('button', { name: 'Add a channel' }).click();
        await form.getByLabel('Type').selectOption('email');
        await form.getByLabel('Name').fill('oncall-mail');
        await form.getByLabel('SMTP host').fill('127.0.0.1');
        await form.getByLabel('Port').fill(String(smtp.port));
        await form.getByLabel('User').fill('mailer');
        await form.getByLabel('Password').fill('smtp-pass-1');
        await form.getByLabel('From').fill('Switchboard <alerts@switchboard.test>');
        await form.getByLabel('To').fill('oncall@example.test');
        await form.getByRole('button', { name: 'Add channel' }).click();
        const mailRow = page.locator('tr[data-channel-name="oncall-mail"]');
        await mailRow.waitFor({ timeout: UI_TIMEOUT_MS });
        await expect(mailRow.getByTestId('channel-secrets').textContent()).resolves.toBe('auth.pass ••••');
        await expect(mailRow.textContent()).resolves.toContain(`127.0.0.1:${smtp.port} → oncall@example.test`);
        await expect(page.content()).resolves.not.toContain('smtp-pass-1');
        await mailRow.getByRole('button', { name: 'Send a test message to oncall-mail' }).click();
        await mailRow.locator('[data-testid="test-outcome"][data-outcome="ok"]').waitFor({ timeout: DELIVERY_TIMEOUT_MS });
        await expect(mailRow.getByTestId('test-outcome').textContent()).resolves.toMatch(/^Delivered: 250/);
        expect(smtp.received).toHaveLength(1);
        expect(smtp.received[0]).toMatchObject({ user: 'mailer', to: ['oncall@example.test'] });
        const mail = parseMail(smtp.received[0]?.raw ?? '');
        expect(mail.headers.get('subject')).toBe('Test notification');
        expect(mail.html).toContain('the channel works');
        await screenshot(page, 'notifications-channels');
      } finally {
        await slack.close();
        await smtp.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
