import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, SwitchboardApiError, type SwitchboardClient } from '../../src/sdk/index.js';
import { describeBrowser, firstStartToken, ROOT, screenshot, serverAndBrowser, waitForLive, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 90_000;
const README_SCREENSHOTS = process.env['SWITCHBOARD_UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'screenshots') : undefined;
/** More than one page of the event log view (50 a page). */
const MANY_TASKS = 55;

describeBrowser('tokens, agent editing and the event log (browser)', () => {
  const running = serverAndBrowser();
  let context: BrowserContext;
  let page: Page;
  let console: ReturnType<typeof watchConsole>;
  let admin: SwitchboardClient;
  let adminToken: string;

  beforeAll(async () => {
    adminToken = firstStartToken(running.server.output());
    admin = createClient({ url: running.server.baseUrl, token: adminToken });
    await admin.agents.register({ id: 'rev-bot', name: 'Review bot', capabilities: ['review'], maxConcurrentTasks: 1 });
    context = await running.browser.newContext({ baseURL: running.server.baseUrl, viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    console = watchConsole(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  it(
    'asks a non-admin to sign in, then lists tokens, mints one shown once with a copy button, and revokes it',
    async () => {
      // The loopback page works as the anonymous operator, which may not administer tokens: the server asks for one.
      await page.goto('/tokens');
      await page.getByText('Token administration needs an admin token').waitFor({ timeout: UI_TIMEOUT_MS });
      const prompt = page.getByRole('dialog', { name: 'API token required' });
      await prompt.getByLabel('Token').fill(adminToken);
      await prompt.getByRole('button', { name: 'Use token' }).click();
      // The prompt fades out; once it is gone, the locators below can only find the page's own form.
      await prompt.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      const table = page.getByRole('table', { name: 'API tokens' });
      await table.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(table.locator('tbody tr').count()).resolves.toBe(1);

      await page.getByLabel('Label').fill('review bot key');
      await page.getByLabel('Role').selectOption('agent');
      await page.getByLabel('Agent').selectOption('rev-bot');
      await page.getByRole('button', { name: 'Mint token' }).click();
      const minted = page.getByTestId('minted-secret');
      await minted.waitFor({ timeout: UI_TIMEOUT_MS });
      const secret = await minted.getByLabel('Secret').inputValue();
      await expect(createClient({ url: running.server.baseUrl, token: secret }).agents.heartbeat('rev-bot')).resolves.toMatchObject({
        success: true,
      });
      await minted.getByRole('button', { name: 'Copy' }).click();
      await minted.getByText('Copied to the clipboard.').waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(secret);
      const row = table.locator('tbody tr', { hasText: 'review bot key' });
      await expect(row.textContent()).resolves.toContain('rev-bot');
      if (README_SCREENSHOTS !== undefined) await screenshot(page, 'tokens', README_SCREENSHOTS);
      await screenshot(page, 'tokens');
      await minted.getByRole('button', { name: 'Done' }).click();
      await minted.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      // Gone for good: nothing on the page holds the secret any more.
      await expect(page.content()).resolves.not.toContain(secret);

      await row.getByRole('button', { name: 'Revoke review bot key' }).click();
      await row.getByRole('button', { name: 'Confirm: revoke review bot key' }).click();
      await row.getByText(/^Revoked/).waitFor({ timeout: UI_TIMEOUT_MS });
      const refused = await createClient({ url: running.server.baseUrl, token: secret })
        .agents.heartbeat('rev-bot')
        .catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(SwitchboardApiError);
      expect((refused as SwitchboardApiError).status).toBe(401);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'edits an agent, and removes one after a confirmation that names the task going back to the queue',
    async () => {
      await admin.agents.register({ id: 'old-bot', name: 'Old bot', capabilities: ['legacy'], maxConcurrentTasks: 1 });
      const { task } = await admin.tasks.create({ title: 'Held by the old bot', priority: 'P2', requiredCapabilities: ['legacy'] });
      await admin.tasks.assign(task.id, { agentId: 'old-bot' });
      await page.goto('/agents');
      await waitForLive(page);

      const card = (id: string) => page.locator(`[data-agent-id="${id}"]`);
      await card('rev-bot').getByRole('button', { name: 'Edit Review bot' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit Review bot' });
      await edit.getByLabel('Name').fill('Senior review bot');
      await edit.getByLabel('Max concurrent tasks').fill('3');
      await edit.getByLabel('Capabilities').fill('security');
      await edit.getByLabel('Capabilities').press('Enter');
      await edit.getByRole('button', { name: 'Save' }).click();
      await card('rev-bot').getByRole('heading', { name: 'Senior review bot' }).waitFor({ timeout: UI_TIMEOUT_MS });
      const { agent } = await admin.agents.get('rev-bot');
      expect(agent).toMatchObject({ name: 'Senior review bot', maxConcurrentTasks: 3, capabilities: ['review', 'security'] });

      await card('old-bot').getByRole('button', { name: 'Remove Old bot' }).click();
      const remove = page.getByRole('dialog', { name: 'Remove Old bot?' });
      await expect(remove.textContent()).resolves.toContain(`(${task.id}), which will go back to the queue`);
      await remove.getByRole('button', { name: 'Remove agent' }).click();
      await card('old-bot').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await expect(admin.tasks.get(task.id).then((r) => r.task.status)).resolves.toBe('PENDING');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows the event log newest first, filtered by type, task and agent, a page at a time',
    async () => {
      const created = [];
      for (let i = 0; i < MANY_TASKS; i++) created.push((await admin.tasks.create({ title: `Logged ${i}`, priority: 'P3' })).task);
      const last = created.at(-1);
      if (last === undefined) throw new Error('no task created');
      await page.goto('/events');
      const rows = page.locator('[data-testid="event-log"] tbody tr');
      // A string, since the test's own type check knows no DOM.
      const eventTypes = () =>
        page.evaluate<string[]>('[...document.querySelectorAll("[data-testid=event-log] tbody tr")].map((tr) => tr.dataset.eventType)');
      await rows.first().waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(rows.first().getAttribute('data-event-type')).resolves.toBe('task.created');
      await expect(rows.first().textContent()).resolves.toContain(last.id);
      await expect(rows.count()).resolves.toBe(50);

      await page.getByLabel('Type').selectOption('agent.registered');
      await page.waitForURL(/type=agent\.registered/);
      await expect.poll(() => eventTypes()).toEqual(['agent.registered', 'agent.registered']);

      await page.getByLabel('Type').selectOption('');
      await page.getByLabel('Agent').selectOption('rev-bot');
      await expect.poll(() => eventTypes()).toEqual(['agent.updated', 'agent.registered']);

      await page.getByLabel('Agent').selectOption('');
      await page.getByLabel('Type').selectOption('task.created');
      await expect.poll(() => rows.count()).toBe(50);
      await page.getByRole('button', { name: 'Load older events' }).click();
      await expect.poll(() => rows.count()).toBe(MANY_TASKS + 1);
      await page.getByText('the start of the log').waitFor({ timeout: UI_TIMEOUT_MS });

      await page.getByLabel('Task', { exact: true }).fill(created[0]?.id ?? '');
      await page.getByLabel('Task', { exact: true }).press('Enter');
      await expect.poll(() => rows.count()).toBe(1);
      await expect(page.url()).toContain(`task=${created[0]?.id ?? ''}`);
      // The 403 (tokens before the sign-in) and the revoked token's 401 were provoked on purpose.
      expect(console.problems([/403/, /401/, /Failed to load resource/])).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
