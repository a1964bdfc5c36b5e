import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { createClient, type SwitchboardClient, type TaskView } from '../../src/sdk/index.js';
import { describeBrowser, ROOT, screenshot, serverAndBrowser, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 60_000;
const DESKTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The board pictures in docs/dashboard.md, rewritten only on request, as in demo.test.ts. */
const DOC_SCREENSHOTS = process.env['SWITCHBOARD_UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'screenshots') : undefined;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox();
  if (b === null) throw new Error(`${selector} is not rendered`);
  return b;
}

/**
 * What a new user found on the board (issue 8): on the demo data plus a task in every
 * ended state, at a laptop's 1400 x 900 and a phone's 390 x 844.
 */
describeBrowser('dashboard layout (browser)', () => {
  const running = serverAndBrowser({ demo: true });
  let api: SwitchboardClient;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    api = createClient({ url: running.server.baseUrl });
    const pending = (await api.tasks.list({ status: 'PENDING' })).tasks;
    // A task in every column the demo leaves empty, so the 1400 px board holds them all.
    const cancelled = (await api.tasks.create({ title: 'Dropped idea', priority: 'P3' })).task;
    await api.tasks.cancel(cancelled.id);
    await api.tasks.create({ title: 'Waits on another task', priority: 'P2', dependsOn: [pending[0]?.id ?? ''] });
    const failed = (await api.tasks.create({ title: 'Flaky migration', priority: 'P1', maxAttempts: 1 })).task;
    await api.tasks.assign(failed.id, { agentId: 'antigravity-main', force: true });
    await api.tasks.start(failed.id);
    await api.tasks.fail(failed.id, { reason: 'exit 1' });
    // The queue of a busy morning: PENDING is where most of the work is.
    for (let i = 1; i <= 5; i++) await api.tasks.create({ title: `Queued work ${i}`, priority: 'P2' });
  }, TEST_TIMEOUT_MS);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  async function openPage(viewport: { width: number; height: number }) {
    context = await running.browser.newContext({ baseURL: running.server.baseUrl, viewport, colorScheme: 'light' });
    const page = await context.newPage();
    return { page, console: watchConsole(page) };
  }

  /** No page-wide horizontal scroll; then the board's picture, for the docs too when asked. */
  async function noPageScrollThenPicture(page: Page, width: number, name: string) {
    expect(await page.evaluate<number>('document.documentElement.scrollWidth'), 'page scrollWidth').toBeLessThanOrEqual(width);
    await screenshot(page, name);
    if (DOC_SCREENSHOTS !== undefined) await screenshot(page, name, DOC_SCREENSHOTS);
  }

  async function openBoard(viewport: { width: number; height: number }) {
    const opened = await openPage(viewport);
    await opened.page.goto('/board');
    await opened.page.locator('[data-testid="board"] [data-task-id]').first().waitFor({ timeout: UI_TIMEOUT_MS });
    return opened;
  }

  it(
    'fits every column on a 1400 x 900 screen, without a horizontal page scroll',
    async () => {
      const { page, console } = await openBoard(DESKTOP);
      const columns = await Promise.all(
        (await page.locator('[data-column]').all()).map(async (el) => {
          const b = await el.boundingBox();
          return { id: await el.getAttribute('data-column'), left: b?.x ?? -1, right: (b?.x ?? 0) + (b?.width ?? Infinity) };
        }),
      );
      expect(columns.map((c) => c.id)).toEqual([
        'attention',
        'BLOCKED',
        'PENDING',
        'ASSIGNED',
        'IN_PROGRESS',
        'COMPLETED',
        'FAILED',
        'CANCELLED',
      ]);
      for (const c of columns) {
        expect(c.left, `${c.id} left edge`).toBeGreaterThanOrEqual(0);
        expect(c.right, `${c.id} right edge`).toBeLessThanOrEqual(DESKTOP.width);
      }
      await noPageScrollThenPicture(page, DESKTOP.width, 'board-1400');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'opens a phone on the column with the most tasks',
    async () => {
      const tasks = (await api.tasks.list({ limit: 500 })).tasks;
      const pending = tasks.filter((t: TaskView) => t.status === 'PENDING').length;
      const { page, console } = await openBoard(PHONE);
      // One column fills a phone's width; the one in view is the one that starts on screen.
      await expect
        .poll(async () => {
          const b = await box(page, '[data-column="PENDING"]');
          return b.x >= 0 && b.x + b.width <= PHONE.width;
        })
        .toBe(true);
      const attention = await box(page, '[data-column="attention"]');
      expect(attention.x + attention.width, 'the attention lane is scrolled away').toBeLessThanOrEqual(0);
      await expect.poll(() => page.locator('[data-column="PENDING"] .column__count').textContent()).toBe(String(pending));
      await noPageScrollThenPicture(page, PHONE.width, 'board-phone');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "shows the New task form's SLA deadline whole on a phone",
    async () => {
      const { page, console } = await openBoard(PHONE);
      await page.getByTestId('new-task').click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.waitFor();
      await page.locator('#task-slaDeadline').scrollIntoViewIfNeeded();
      const field = await box(page, '#task-slaDeadline');
      const frame = await box(page, '[role="dialog"]');
      expect(field.x, 'left edge inside the dialog').toBeGreaterThanOrEqual(frame.x);
      expect(field.x + field.width, 'right edge inside the dialog').toBeLessThanOrEqual(frame.x + frame.width);
      expect(frame.x + frame.width, 'dialog inside the screen').toBeLessThanOrEqual(PHONE.width);
      // The input's own box may fit while its "mm/dd/yyyy, --:-- --" is clipped inside it (its
      // scrollWidth does not tell): it must be at least as wide as it is when sized to its content.
      const widths = await page.evaluate<{ shown: number; natural: number }>(`(() => {
        const el = document.getElementById('task-slaDeadline');
        const shown = el.getBoundingClientRect().width;
        el.style.width = 'max-content';
        el.style.alignSelf = 'flex-start';
        const natural = el.getBoundingClientRect().width;
        el.style.width = '';
        el.style.alignSelf = '';
        return { shown, natural };
      })()`);
      expect(widths.shown, 'date field shows all of its text').toBeGreaterThanOrEqual(widths.natural);
      await screenshot(page, 'new-task-phone');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps an agent card in place when the agent is paused',
    async () => {
      const { page, console } = await openPage(DESKTOP);
      await page.goto('/agents');
      await page.locator('[data-agent-id]').first().waitFor({ timeout: UI_TIMEOUT_MS });
      const order = () => page.evaluate<string[]>(`[...document.querySelectorAll('[data-agent-id]')].map((el) => el.dataset.agentId)`);
      const before = await order();
      const first = (await api.agents.list()).agents.find((a) => a.id === before[0]);
      expect(first?.status).not.toBe('PAUSED');
      await page.getByRole('button', { name: `Pause ${first?.name ?? ''}`, exact: true }).click();
      await page.getByRole('button', { name: `Resume ${first?.name ?? ''}`, exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await order()).toEqual(before);
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'names the capability term for what it measures in "Why this agent"',
    async () => {
      const task = (await api.tasks.create({ title: 'Prefers Rust', priority: 'P2', preferredCapabilities: ['rust', 'wasm'] })).task;
      await api.tasks.assign(task.id, { agentId: 'antigravity-main', force: true });
      const { page, console } = await openPage(DESKTOP);
      await page.goto(`/tasks/${task.id}`);
      const panel = page.getByTestId('why-this-agent');
      await panel.locator('.terms').waitFor({ timeout: UI_TIMEOUT_MS });
      const text = (await panel.textContent()) ?? '';
      expect(text).not.toContain('Capability fit');
      expect(text).toContain('Preferred capabilities held');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
