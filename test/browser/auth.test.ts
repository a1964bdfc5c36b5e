import { expect, it } from 'vitest';
import { createClient } from '../../src/sdk/index.js';
import { describeBrowser, firstStartToken, serverAndBrowser, waitForLive, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 60_000;

describeBrowser('dashboard auth (browser)', () => {
  // No anonymous role: every request needs a token, as on a server reachable from elsewhere.
  const running = serverAndBrowser({ env: { SWITCHBOARD_ANONYMOUS_ROLE: 'none' } });

  it(
    'a 401 opens the token prompt; the token then goes in a header on REST and in the socket handshake, never in a URL',
    async () => {
      const token = firstStartToken(running.server.output());
      const { task } = await createClient({ url: running.server.baseUrl, token }).tasks.create({ title: 'Behind a token', priority: 'P1' });

      const context = await running.browser.newContext({ baseURL: running.server.baseUrl });
      const page = await context.newPage();
      const console = watchConsole(page);
      const urls: string[] = [];
      const bearers = new Set<string>();
      page.on('request', (r) => {
        urls.push(r.url());
        const auth = r.headers()['authorization'];
        if (r.url().includes('/api/') && auth !== undefined) bearers.add(auth);
      });
      await page.goto('/board');

      const prompt = page.getByRole('dialog', { name: 'API token required' });
      await prompt.waitFor({ timeout: UI_TIMEOUT_MS });
      await prompt.getByLabel('Token').fill(token);
      await prompt.getByRole('button', { name: 'Use token' }).click();

      await page.locator(`[data-column="PENDING"] [data-task-id="${task.id}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      await waitForLive(page);
      expect([...bearers]).toEqual([`Bearer ${token}`]);
      expect(urls.filter((u) => u.includes(token))).toEqual([]);
      // The 401s before the token was given are the browser's own resource errors, which the test provoked.
      expect(console.problems([/401/, /Failed to load resource/])).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT_MS,
  );
});
