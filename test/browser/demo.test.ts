import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeBrowser, ROOT, screenshot, serverAndBrowser, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 60_000;
/** The performance mark the overview sets once the metric cards show real numbers. */
const METRICS_MARK = 'switchboard:overview-metrics';
/**
 * README pictures (committed), taken on the demo data. They are rewritten only on request
 * (SWITCHBOARD_UPDATE_SCREENSHOTS=1), so a test run never leaves the work tree dirty.
 */
const README_SCREENSHOTS = process.env['SWITCHBOARD_UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'screenshots') : undefined;

describeBrowser('dashboard on the demo data (browser)', () => {
  const running = serverAndBrowser({ demo: true });

  it(
    '(f) measures the first meaningful paint of the overview and takes the README screenshots',
    async () => {
      const context = await running.browser.newContext({
        baseURL: running.server.baseUrl,
        viewport: { width: 1440, height: 900 },
        colorScheme: 'light',
      });
      const page = await context.newPage();
      const console = watchConsole(page);
      await page.goto('/');
      await page.waitForFunction(`performance.getEntriesByName('${METRICS_MARK}').length > 0`, undefined, { timeout: UI_TIMEOUT_MS });
      const paint = await page.evaluate<{ meaningful: number; fcp: number | null }>(`(() => {
      const mark = performance.getEntriesByName('${METRICS_MARK}')[0];
      const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
      return { meaningful: Math.round(mark.startTime), fcp: fcp === undefined ? null : Math.round(fcp.startTime) };
    })()`);
      process.stdout.write(
        `[switchboard] overview first meaningful paint: ${paint.meaningful} ms (first contentful paint: ${paint.fcp ?? 'n/a'} ms)\n`,
      );
      expect(paint.meaningful).toBeGreaterThan(0);

      await page.locator('.chart svg').nth(1).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.locator('[data-testid="activity-feed"] li').first().waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'overview', README_SCREENSHOTS);

      await page.goto('/board');
      await page.locator('[data-testid="board"] [data-task-id]').first().waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'board', README_SCREENSHOTS);
      expect(console.problems()).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'renders the demo overview and board in both themes',
    async () => {
      for (const scheme of ['light', 'dark'] as const) {
        const context = await running.browser.newContext({
          baseURL: running.server.baseUrl,
          viewport: { width: 1440, height: 900 },
          colorScheme: scheme,
        });
        const page = await context.newPage();
        const console = watchConsole(page);
        await page.goto('/');
        await page.locator('.chart svg').nth(1).waitFor({ timeout: UI_TIMEOUT_MS });
        await screenshot(page, `demo-overview-${scheme}`);
        await page.goto('/board');
        await page.locator('[data-testid="board"] [data-task-id]').first().waitFor({ timeout: UI_TIMEOUT_MS });
        await screenshot(page, `demo-board-${scheme}`);
        expect(console.problems()).toEqual([]);
        await context.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
