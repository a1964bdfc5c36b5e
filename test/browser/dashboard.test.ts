import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type CreateTaskInput, type SwitchboardClient } from '../../src/sdk/index.js';
import { describeBrowser, screenshot, serverAndBrowser, waitForLive, watchConsole } from './support.js';

/** Generous bound for UI waits that depend on the network and the socket, not a sleep. */
const UI_TIMEOUT_MS = 10_000;
/** The acceptance bound for a change made by another client to reach the board. */
const LIVE_UPDATE_MS = 1_000;
const TEST_TIMEOUT_MS = 60_000;

const card = (page: Page, column: string, taskId: string) => page.locator(`[data-column="${column}"] [data-task-id="${taskId}"]`);

describeBrowser('dashboard (browser)', () => {
  const running = serverAndBrowser();
  /** Another client arranging state, through the SDK like every client of the server. */
  let api: SwitchboardClient;
  let context: BrowserContext;

  beforeAll(() => {
    api = createClient({ url: running.server.baseUrl });
  });

  afterAll(async () => {
    await context?.close();
  });

  const createTask = async (input: CreateTaskInput) => (await api.tasks.create(input)).task;

  async function openPage(
    options: { width?: number; height?: number; scheme?: 'light' | 'dark' } = {},
  ): Promise<{ page: Page; console: ReturnType<typeof watchConsole> }> {
    await context?.close();
    context = await running.browser.newContext({
      baseURL: running.server.baseUrl,
      viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
      colorScheme: options.scheme ?? 'light',
    });
    const page = await context.newPage();
    return { page, console: watchConsole(page) };
  }

  it(
    '(a) shows the numbers of GET /api/tasks/metrics, and keeps them live',
    async () => {
      await api.agents.register({ name: 'Metrics agent', id: 'metrics-agent', capabilities: ['typescript'], maxConcurrentTasks: 2 });
      const first = await createTask({ title: 'Metrics one', priority: 'P0', requiredCapabilities: ['typescript'] });
      await createTask({ title: 'Metrics two', priority: 'P1', requiredCapabilities: ['typescript'] });
      await createTask({ title: 'Metrics three', priority: 'P3' });
      await api.tasks.assign(first.id);
      await api.tasks.start(first.id);

      const { page, console } = await openPage();
      await page.goto('/');
      const { metrics: expected } = await api.tasks.metrics();
      const shown: Record<string, number> = {
        totalTasks: expected.totalTasks,
        pending: expected.byStatus['PENDING'] ?? -1,
        inProgress: expected.byStatus['IN_PROGRESS'] ?? -1,
        completedTasks: expected.completedTasks,
        failedTasks: expected.failedTasks,
        activeAgents: expected.activeAgents,
        slaAtRisk: expected.slaAtRisk,
      };
      for (const [key, value] of Object.entries(shown)) {
        await page.locator(`[data-metric="${key}"][data-value="${value}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      }
      expect(expected.totalTasks).toBeGreaterThanOrEqual(3);
      expect(expected.byStatus['IN_PROGRESS']).toBeGreaterThanOrEqual(1);

      // Another client adds a task: the card follows metrics:updated without a reload.
      await waitForLive(page);
      await createTask({ title: 'Metrics four', priority: 'P2' });
      const { metrics: after } = await api.tasks.metrics();
      await page.locator(`[data-metric="totalTasks"][data-value="${after.totalTasks}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'overview-light');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '(b) creates a task through the form and shows its card on the board',
    async () => {
      const { page, console } = await openPage();
      await page.goto('/board');
      await page.locator('[data-testid="board"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await page.getByTestId('new-task').click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.waitFor();

      // The required check runs before any request.
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await expect.poll(() => page.locator('#task-title-error').textContent()).toBe('Title is required');

      const title = `Form task ${Date.now()}`;
      await page.locator('#task-title').fill(title);
      await page.locator('#task-priority').selectOption('P1');
      await page.locator('#task-requiredCapabilities').fill('typescript');
      await page.locator('#task-labels').fill('from-form');
      await dialog.getByRole('button', { name: 'Create task' }).click();

      const created = page.locator('[data-column="PENDING"] [data-task-id]', { hasText: title });
      await created.waitFor({ timeout: UI_TIMEOUT_MS });
      await dialog.waitFor({ state: 'detached' });
      const id = await created.getAttribute('data-task-id');
      const { task } = await api.tasks.get(id ?? '');
      expect(task).toMatchObject({ title, priority: 'P1', requiredCapabilities: ['typescript'], labels: ['from-form'] });
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '(b) puts server errors on the field that details.field names',
    async () => {
      const { page, console } = await openPage();
      await page.goto('/board');
      await page.getByTestId('new-task').click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await expect.poll(() => page.evaluate<string>('document.activeElement?.id ?? ""')).toBe('task-title');
      for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
      expect(await page.evaluate<boolean>('document.activeElement?.closest("[role=dialog]") !== null'), 'focus stays in the dialog').toBe(
        true,
      );
      await page.locator('#task-title').fill('Depends on nothing');
      await page.locator('#task-dependsOn').fill('TASK-999');
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await page.locator('#task-dependsOn-error').waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.locator('#task-dependsOn-error').textContent()).toContain('TASK-999');

      await dialog.getByRole('button', { name: 'Remove TASK-999' }).click();
      await page.locator('#task-labels').fill('x'.repeat(80));
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await page.locator('#task-labels-error').waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.locator('#task-labels').getAttribute('aria-invalid')).toBe('true');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate<string | undefined>('document.activeElement?.dataset.testid'), 'focus returns to the opener').toBe(
        'new-task',
      );
      expect(console.problems([/Failed to load resource: the server responded with a status of (400|422)/])).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '(c) moves a task assigned by another client to ASSIGNED within 1 s, without a reload',
    async () => {
      await api.agents.register({ name: 'Live agent', id: 'live-agent', capabilities: ['live-updates'], maxConcurrentTasks: 3 });
      const task = await createTask({ title: 'Assigned elsewhere', priority: 'P1', requiredCapabilities: ['live-updates'] });
      const { page, console } = await openPage();
      await page.goto('/board');
      await card(page, 'PENDING', task.id).waitFor({ timeout: UI_TIMEOUT_MS });
      await waitForLive(page);
      await page.evaluate('window.__switchboardMarker = "still-here"');

      const started = Date.now();
      await fetch(`${running.server.baseUrl}/api/tasks/${task.id}/assign`, { method: 'POST' }).then((r) => expect(r.status).toBe(200));
      await card(page, 'ASSIGNED', task.id).waitFor({ timeout: LIVE_UPDATE_MS });
      const elapsed = Date.now() - started;
      expect(await page.evaluate<string | undefined>('window.__switchboardMarker')).toBe('still-here');
      expect(await card(page, 'PENDING', task.id).count()).toBe(0);
      expect(elapsed).toBeLessThanOrEqual(LIVE_UPDATE_MS + 100);
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '(g) resumes after a connection loss: changes missed while offline appear without a reload',
    async () => {
      const task = await createTask({ title: 'Changed while offline', priority: 'P2', requiredCapabilities: ['nobody-has-this'] });
      const { page, console } = await openPage();
      await page.goto('/board');
      await card(page, 'PENDING', task.id).waitFor({ timeout: UI_TIMEOUT_MS });
      await waitForLive(page);
      await page.evaluate('window.__switchboardMarker = "still-here"');
      await context.setOffline(true);
      await page
        .locator('.sidebar [data-connection="offline"], .sidebar [data-connection="reconnecting"]')
        .waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
      await api.tasks.cancel(task.id, { reason: 'changed while the dashboard was offline' });
      expect(await card(page, 'PENDING', task.id).count()).toBe(1);
      await context.setOffline(false);
      await waitForLive(page);
      await card(page, 'PENDING', task.id).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      expect(await page.evaluate<string | undefined>('window.__switchboardMarker')).toBe('still-here');
      const { task: cancelled } = await api.tasks.get(task.id);
      expect(cancelled.status).toBe('CANCELLED');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '(h) board actions: a failed Assign rolls back and toasts the API message; Cancel asks twice',
    async () => {
      const task = await createTask({ title: 'Nobody can take this', priority: 'P1', requiredCapabilities: ['time-travel'] });
      const { page, console } = await openPage();
      await page.goto('/board');
      const pending = card(page, 'PENDING', task.id);
      await pending.waitFor({ timeout: UI_TIMEOUT_MS });

      await pending.getByRole('button', { name: `Assign ${task.id}` }).click();
      const toast = page.getByRole('alert').filter({ hasText: `Could not assign ${task.id}` });
      await toast.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await toast.textContent()).toMatch(/agent/i);
      await pending.waitFor({ timeout: UI_TIMEOUT_MS });

      await pending.getByRole('button', { name: `Cancel ${task.id}` }).click();
      expect(await pending.count()).toBe(1);
      await pending.getByRole('button', { name: `Confirm: cancel ${task.id}` }).click();
      await pending.waitFor({ state: 'detached', timeout: LIVE_UPDATE_MS });
      const { task: cancelled } = await api.tasks.get(task.id);
      expect(cancelled.status).toBe('CANCELLED');
      expect(console.problems([/Failed to load resource: the server responded with a status of 409/])).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '(d) shows an SLA violation in the "Needs attention" lane',
    async () => {
      await api.agents.register({ name: 'Unskilled agent', id: 'unskilled-agent', capabilities: ['cooking'], maxConcurrentTasks: 1 });
      const { page, console } = await openPage();
      await page.goto('/board');
      await page.locator('[data-testid="board"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await waitForLive(page);
      const task = await createTask({
        title: 'Deadline in two seconds',
        priority: 'P0',
        requiredCapabilities: ['quantum-physics'],
        slaDeadline: new Date(Date.now() + 2_000).toISOString(),
      });
      const lane = page.locator(`[data-lane="attention"] [data-task-id="${task.id}"]`);
      await lane.waitFor({ timeout: UI_TIMEOUT_MS });
      // Only the server's task:sla-violation sets data-sla="violated" (the browser clock alone says "overdue").
      await page.locator(`[data-lane="attention"] [data-task-id="${task.id}"][data-sla="violated"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      await lane.locator('[data-reason="sla-violated"]').waitFor();
      await lane.locator('[data-reason="unassignable"]').waitFor();
      const { task: violated } = await api.tasks.get(task.id);
      expect(violated.slaViolated).toBe(true);
      await screenshot(page, 'board-light');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '(e) fits a 360 x 740 screen on every view (no horizontal scroll)',
    async () => {
      const task = await createTask({
        title: 'A task with a rather long title that has to wrap on a small phone screen',
        priority: 'P2',
        requiredCapabilities: ['typescript', 'react', 'accessibility'],
      });
      const { page, console } = await openPage({ width: 360, height: 740 });
      const views: [string, string, string][] = [
        ['/', '[data-metric="totalTasks"]', 'overview-360'],
        ['/board', '[data-testid="board"] [data-task-id]', 'board-360'],
        ['/agents', '[data-agent-id]', 'agents-360'],
        [`/tasks/${task.id}`, '[data-testid="timeline"]', 'task-detail-360'],
      ];
      for (const [path, ready, name] of views) {
        await page.goto(path);
        await page.locator(ready).first().waitFor({ timeout: UI_TIMEOUT_MS });
        const width = await page.evaluate<number>('document.documentElement.scrollWidth');
        expect(width, `${path} scrollWidth`).toBeLessThanOrEqual(360);
        await screenshot(page, name);
      }
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'renders every view in light and dark themes without console errors',
    async () => {
      const task = await createTask({ title: 'Screenshot task', priority: 'P1', requiredCapabilities: ['typescript'] });
      await api.tasks.assign(task.id);
      for (const scheme of ['light', 'dark'] as const) {
        const { page, console } = await openPage({ scheme });
        const views: [string, string, string][] = [
          ['/', '.chart svg', 'overview'],
          ['/board', '[data-testid="board"] [data-task-id]', 'board'],
          ['/agents', '[data-agent-id]', 'agents'],
          [`/tasks/${task.id}`, '[data-testid="why-this-agent"] .terms', 'task-detail'],
        ];
        for (const [path, ready, name] of views) {
          await page.goto(path);
          await page.locator(ready).first().waitFor({ timeout: UI_TIMEOUT_MS });
          expect(await page.evaluate<string | undefined>('document.documentElement.dataset.theme')).toBe(scheme);
          await screenshot(page, `${name}-${scheme}`);
        }
        expect(console.problems()).toEqual([]);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
