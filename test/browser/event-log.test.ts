import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { createClient, type SwitchboardClient, type TaskView } from '../../src/sdk/index.js';
import { describeBrowser, screenshot, serverAndBrowser, waitForLive, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 90_000;
/** More than one page of the view (50 a page). */
const MANY_TASKS = 55;
const ROWS = '[data-testid="event-log"] tbody tr';

/**
 * The event log view on a real server: each filter, paging, and events arriving live
 * (on the first page they go on top; once older pages are loaded they are only counted).
 */
describeBrowser('event log (browser)', () => {
  const running = serverAndBrowser();
  let api: SwitchboardClient;
  const created: TaskView[] = [];
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    api = createClient({ url: running.server.baseUrl });
    await api.agents.register({ id: 'log-bot', name: 'Log bot', capabilities: ['logs'], maxConcurrentTasks: 5 });
    for (let i = 0; i < MANY_TASKS; i++) created.push((await api.tasks.create({ title: `Logged ${i}`, priority: 'P3' })).task);
    const first = created[0];
    if (first === undefined) throw new Error('no task created');
    await api.tasks.assign(first.id, { agentId: 'log-bot', force: true });
    await api.tasks.start(first.id);
  }, TEST_TIMEOUT_MS);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  /** Opens the view live, and marks the window: a reload would lose the mark. */
  async function openLog(path = '/events'): Promise<{ page: Page; console: ReturnType<typeof watchConsole> }> {
    context = await running.browser.newContext({ baseURL: running.server.baseUrl, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const console = watchConsole(page);
    await page.goto(path);
    await page.locator(ROWS).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForLive(page, UI_TIMEOUT_MS);
    await page.evaluate('window.__notReloaded = true');
    return { page, console };
  }

  const rowIds = (page: Page) =>
    page.evaluate<number[]>(`[...document.querySelectorAll('${ROWS}')].map((tr) => Number(tr.dataset.eventId))`);
  const rowTypes = (page: Page) => page.evaluate<string[]>(`[...document.querySelectorAll('${ROWS}')].map((tr) => tr.dataset.eventType)`);
  const notReloaded = (page: Page) => page.evaluate<boolean>('window.__notReloaded === true');

  it(
    'filters by type, agent and task, and pages back to the start of the log',
    async () => {
      const { page, console } = await openLog();
      await expect.poll(() => page.locator(ROWS).count()).toBe(50);

      await page.getByLabel('Type').selectOption('agent.registered');
      await page.waitForURL(/type=agent\.registered/);
      await expect.poll(() => rowTypes(page)).toEqual(['agent.registered']);

      await page.getByLabel('Type').selectOption('');
      await page.getByLabel('Agent').selectOption('log-bot');
      await page.waitForURL(/agent=log-bot/);
      await expect.poll(() => rowTypes(page)).toEqual(['task.started', 'task.assigned', 'agent.registered']);

      await page.getByLabel('Agent').selectOption('');
      await page.getByLabel('Task', { exact: true }).fill(created[0]?.id ?? '');
      await page.getByLabel('Task', { exact: true }).press('Enter');
      await page.waitForURL(new RegExp(`task=${created[0]?.id ?? ''}`));
      await expect.poll(() => rowTypes(page)).toEqual(['task.started', 'task.assigned', 'task.created']);

      await page.getByLabel('Task', { exact: true }).fill('');
      await page.getByLabel('Task', { exact: true }).press('Enter');
      await page.getByLabel('Type').selectOption('task.created');
      await expect.poll(() => page.locator(ROWS).count()).toBe(50);
      await expect(page.getByText('the start of the log').count()).resolves.toBe(0);
      await page.getByRole('button', { name: 'Load older events' }).click();
      await expect.poll(() => page.locator(ROWS).count()).toBe(MANY_TASKS);
      await page.getByText('the start of the log').waitFor({ timeout: UI_TIMEOUT_MS });
      const ids = await rowIds(page);
      expect(ids, 'newest first, no repeats').toEqual([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(ids.length);
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows a task created through the API on top of the first page, without a reload, and only where it matches',
    async () => {
      const { page, console } = await openLog('/events?type=task.created');
      const before = await rowIds(page);
      const { task } = await api.tasks.create({ title: 'Arrives live', priority: 'P2' });
      await expect.poll(() => page.locator(ROWS).first().textContent(), { timeout: UI_TIMEOUT_MS }).toContain(task.id);
      const after = await rowIds(page);
      expect(after.slice(1), 'the rows that were there stay, under the new one').toEqual(before.slice(0, after.length - 1));
      expect(after.length, 'the page keeps its size').toBe(50);
      // An event the filter excludes does not show.
      await api.tasks.cancel(task.id);
      const later = (await api.tasks.create({ title: 'After the cancel', priority: 'P2' })).task;
      await expect.poll(() => page.locator(ROWS).first().textContent(), { timeout: UI_TIMEOUT_MS }).toContain(later.id);
      await expect.poll(() => rowTypes(page)).toEqual(Array.from({ length: 50 }, () => 'task.created'));
      expect(await notReloaded(page)).toBe(true);
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'counts new events instead of moving the rows once older pages are loaded, and jumps to the newest on request',
    async () => {
      const { page, console } = await openLog();
      await page.getByRole('button', { name: 'Load older events' }).click();
      await expect.poll(() => page.locator(ROWS).count()).toBeGreaterThan(50);
      const before = await rowIds(page);
      const one = (await api.tasks.create({ title: 'While reading old pages', priority: 'P3' })).task;
      const newer = page.getByTestId('show-newest');
      await newer.waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(newer.textContent()).resolves.toContain('1 new event');
      const two = (await api.tasks.create({ title: 'And another', priority: 'P3' })).task;
      await expect.poll(() => newer.textContent(), { timeout: UI_TIMEOUT_MS }).toContain('2 new events');
      expect(await rowIds(page), 'what the reader reads did not move').toEqual(before);
      // Read far down the page, the button is still in sight, floating under the top bar.
      const floating = await newer.boundingBox();
      expect(floating?.y ?? -1).toBeGreaterThanOrEqual(0);
      expect((floating?.y ?? Infinity) + (floating?.height ?? 0)).toBeLessThanOrEqual(900);
      await screenshot(page, 'events-new-events');

      await newer.click();
      await expect.poll(() => page.locator(ROWS).first().textContent(), { timeout: UI_TIMEOUT_MS }).toContain(two.id);
      await expect(page.locator(ROWS).nth(1).textContent()).resolves.toContain(one.id);
      await expect.poll(() => page.locator(ROWS).count()).toBe(50);
      await newer.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      // Back on the first page: the next one goes on top again.
      const next = (await api.tasks.create({ title: 'Back on top', priority: 'P3' })).task;
      await expect.poll(() => page.locator(ROWS).first().textContent(), { timeout: UI_TIMEOUT_MS }).toContain(next.id);
      expect(await notReloaded(page)).toBe(true);
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
