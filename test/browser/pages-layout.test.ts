import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { createClient, type SwitchboardClient } from '../../src/sdk/index.js';
import { describeBrowser, firstStartToken, ROOT, screenshot, serverAndBrowser, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 90_000;
const HUMAN_ID = 'ana-reviewer';
/** The pictures in docs/dashboard.md, rewritten only on request, as in layout.test.ts. */
const DOC_SCREENSHOTS = process.env['SWITCHBOARD_UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'screenshots') : undefined;

const SCREENS = [
  { name: '1400', viewport: { width: 1400, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

interface Target {
  /** Screenshot name's stem. */
  name: string;
  path: string;
  /** Who the page signs in as. */
  as: 'admin' | 'human';
  /** Shown once the page has its data. */
  ready: (page: Page) => Locator;
  /** The controls that must be whole on screen (scrolled to when below the fold). */
  controls: (page: Page) => Locator[];
}

/**
 * My work, Tokens and the Event log at a laptop's 1400 x 900 and a phone's 390 x 844:
 * no page-wide horizontal scroll, every key control whole inside the viewport, and tables
 * whose columns keep their words (a table wider than a phone scrolls inside its own box).
 */
describeBrowser('My work, Tokens and Events layout (browser)', () => {
  const running = serverAndBrowser();
  let admin: SwitchboardClient;
  let adminToken: string;
  let humanToken: string;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    adminToken = firstStartToken(running.server.output());
    admin = createClient({ url: running.server.baseUrl, token: adminToken });
    await admin.agents.register({ id: HUMAN_ID, name: 'Ana Reviewer', kind: 'human', capabilities: ['review'], maxConcurrentTasks: 3 });
    humanToken = (await admin.tokens.create({ label: 'Ana on her laptop', role: 'agent', agentId: HUMAN_ID })).secret;
    await admin.tokens.create({ label: 'CI pipeline (nightly release builds)', role: 'operator' });
    const revoked = (await admin.tokens.create({ label: 'Old read-only dashboard key', role: 'viewer' })).token;
    await admin.tokens.revoke(revoked.id);
    const offered = (
      await admin.tasks.create({
        title: 'Review the session handling in the new login flow before the release',
        priority: 'P1',
        requiredCapabilities: ['review'],
        labels: ['security', 'login'],
      })
    ).task;
    await admin.tasks.assign(offered.id, { agentId: HUMAN_ID });
    const started = (await admin.tasks.create({ title: 'Check the release notes', priority: 'P2', requiredCapabilities: ['review'] })).task;
    await admin.tasks.assign(started.id, { agentId: HUMAN_ID });
    await admin.tasks.start(started.id);
    for (let i = 0; i < 8; i++) await admin.tasks.create({ title: `Queued work item number ${i}`, priority: 'P3' });
  }, TEST_TIMEOUT_MS);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  const PAGES: Target[] = [
    {
      name: 'my-work',
      path: '/my-work',
      as: 'human',
      ready: (page) => page.locator('[data-testid="my-work-running"] .work-card').first(),
      controls: (page) => [
        page.getByRole('button', { name: 'Claim next task' }),
        page.getByRole('button', { name: 'Accept and start' }).first(),
        page.getByRole('button', { name: 'Report progress' }).first(),
        page.getByRole('button', { name: 'Complete' }).first(),
        page.getByRole('button', { name: 'Fail' }).first(),
      ],
    },
    {
      name: 'tokens',
      path: '/tokens',
      as: 'admin',
      ready: (page) => page.getByRole('table', { name: 'API tokens' }),
      controls: (page) => [
        page.getByLabel('Label'),
        page.getByLabel('Role'),
        page.getByRole('button', { name: 'Mint token' }),
        page.getByRole('button', { name: /^Revoke / }).first(),
      ],
    },
    {
      name: 'events',
      path: '/events',
      as: 'admin',
      ready: (page) => page.locator('[data-testid="event-log"] tbody tr').first(),
      controls: (page) => [
        page.getByLabel('Task', { exact: true }),
        page.getByLabel('Agent'),
        page.getByLabel('Type'),
        page.getByRole('button', { name: 'Refresh' }),
      ],
    },
  ];

  async function open(target: Target, viewport: { width: number; height: number }) {
    context = await running.browser.newContext({ baseURL: running.server.baseUrl, viewport, colorScheme: 'light' });
    // Signed in before the first request, as a page that signed in earlier is (the sign-in itself is tested elsewhere).
    const stored = target.as === 'human' ? { token: humanToken, agent: HUMAN_ID } : { token: adminToken };
    await context.addInitScript(
      `localStorage.setItem('switchboard.token', ${JSON.stringify(stored.token)});` +
        (stored.agent === undefined ? '' : `localStorage.setItem('switchboard.agent', ${JSON.stringify(stored.agent)});`),
    );
    const page = await context.newPage();
    const console = watchConsole(page);
    await page.goto(target.path);
    await target.ready(page).waitFor({ timeout: UI_TIMEOUT_MS });
    return { page, console };
  }

  for (const target of PAGES) {
    for (const screen of SCREENS) {
      it(
        `${target.name} at ${screen.viewport.width} x ${screen.viewport.height}: nothing cut off or overflowing`,
        async () => {
          const { page, console } = await open(target, screen.viewport);
          const { width } = screen.viewport;
          // The outermost elements reaching past the right edge (none inside a box that scrolls sideways), to name the culprit.
          const wide = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')].filter((el) => {
            if (el.getBoundingClientRect().right <= innerWidth + 0.5) return false;
            // Inside a box that scrolls sideways, unless positioned out of it (its clip holds only what it contains).
            if (el.closest('.table-scroll') && !['absolute', 'fixed'].includes(getComputedStyle(el).position)) return false;
            return el.parentElement === null || el.parentElement.getBoundingClientRect().right <= innerWidth + 0.5;
          }).map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(el.getBoundingClientRect().right))`);
          expect(wide, 'elements past the right edge').toEqual([]);
          expect(await page.evaluate<number>('document.documentElement.scrollWidth'), 'page scrollWidth').toBeLessThanOrEqual(width);
          for (const control of target.controls(page)) {
            await control.scrollIntoViewIfNeeded();
            const b = await control.boundingBox();
            const label = control.toString();
            expect(b, `${label} rendered`).not.toBeNull();
            if (b === null) continue;
            expect(b.x, `${label} left edge`).toBeGreaterThanOrEqual(0);
            expect(b.x + b.width, `${label} right edge`).toBeLessThanOrEqual(width);
            expect(b.width, `${label} has a width`).toBeGreaterThan(0);
          }
          // Tables: inside the screen (wider ones scroll in their own box), and no header broken mid-word.
          const tables = await page.evaluate<
            { left: number; right: number; hidden: number; squeezed: string[] }[]
          >(`[...document.querySelectorAll('.table-scroll')].map((box) => {
            const r = box.getBoundingClientRect();
            const squeezed = [...box.querySelectorAll('th, td')].filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent);
            return { left: r.left, right: r.right, hidden: box.scrollWidth - box.clientWidth, squeezed };
          })`);
          for (const t of tables) {
            expect(t.left, 'table box left edge').toBeGreaterThanOrEqual(0);
            expect(t.right, 'table box right edge').toBeLessThanOrEqual(width);
            expect(t.squeezed, 'cells whose text overflows them').toEqual([]);
            // Every column in sight without scrolling the table sideways: long cells wrap instead.
            expect(t.hidden, 'table width hidden behind a sideways scroll').toBeLessThanOrEqual(1);
          }
          await page.evaluate('window.scrollTo(0, 0)');
          const name = `${target.name}-${screen.name}`;
          await screenshot(page, name);
          if (DOC_SCREENSHOTS !== undefined) await screenshot(page, name, DOC_SCREENSHOTS);
          expect(console.problems()).toEqual([]);
        },
        TEST_TIMEOUT_MS,
      );
    }
  }
});
