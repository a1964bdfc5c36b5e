import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type LogLineInput, type SwitchboardClient } from '../../src/sdk/index.js';
import { describeBrowser, firstStartToken, screenshot, serverAndBrowser, waitForLive, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 10_000;
/** How soon a line an agent appends must show in an open task detail. */
const LIVE_LINE_MS = 2_000;
const TEST_TIMEOUT_MS = 90_000;
const AGENT_ID = 'log-agent';

describeBrowser('task detail: live log, attempts and result (browser)', () => {
  const running = serverAndBrowser();
  let context: BrowserContext | undefined;
  /** An operator arranging work, and the agent doing it with its own token, both through the SDK. */
  let admin: SwitchboardClient;
  let agent: SwitchboardClient;

  beforeAll(async () => {
    const { server } = running;
    admin = createClient({ url: server.baseUrl, token: firstStartToken(server.output()) });
    await admin.agents.register({ id: AGENT_ID, name: 'Log agent', capabilities: ['logs'], maxConcurrentTasks: 3 });
    const { secret } = await admin.tokens.create({ label: 'browser test agent', role: 'agent', agentId: AGENT_ID });
    agent = createClient({ url: running.server.baseUrl, token: secret });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  /** The task, claimed and started by the agent, with the fencing token its reports carry. */
  async function claimedTask(title: string): Promise<{ id: string; leaseToken: number }> {
    const { task } = await admin.tasks.create({ title, priority: 'P1', requiredCapabilities: ['logs'] });
    const { task: claimed } = await agent.agents.claim(AGENT_ID, { waitMs: 0 });
    if (claimed?.id !== task.id) throw new Error(`the agent claimed ${claimed?.id ?? 'nothing'}, not ${task.id}`);
    return { id: task.id, leaseToken: claimed.leaseToken };
  }

  async function openDetail(taskId: string): Promise<{ page: Page; console: ReturnType<typeof watchConsole> }> {
    await context?.close();
    context = await running.browser.newContext({ baseURL: running.server.baseUrl, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const console = watchConsole(page);
    await page.goto(`/tasks/${taskId}`);
    await page.locator('[data-testid="task-log"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForLive(page);
    return { page, console };
  }

  const row = (page: Page, seq: number) => page.locator(`[data-testid="task-log-lines"] [data-seq="${seq}"]`);

  it(
    'shows the lines an agent appends as they arrive, in order, stderr apart, following the tail until the reader scrolls up',
    async () => {
      const task = await claimedTask('Stream my log');
      const { page, console } = await openDetail(task.id);
      await page.getByText('No log lines yet').waitFor({ timeout: UI_TIMEOUT_MS });

      const append = (lines: LogLineInput[]) => agent.tasks.appendLogs(task.id, { lines }, { leaseToken: task.leaseToken });
      const sentAt = Date.now();
      await append([{ text: 'compiling the project' }, { text: 'warning: something odd', stream: 'stderr' }]);
      await row(page, 2).waitFor({ timeout: LIVE_LINE_MS });
      expect(Date.now() - sentAt).toBeLessThan(LIVE_LINE_MS);
      await expect(row(page, 1).textContent()).resolves.toContain('compiling the project');
      await expect(row(page, 2).getAttribute('data-stream')).resolves.toBe('stderr');
      await expect(row(page, 2).textContent()).resolves.toContain('stderr');

      // Many lines: the list is virtualised, and it follows the newest.
      for (let batch = 0; batch < 4; batch++)
        await append(Array.from({ length: 100 }, (_, i) => ({ text: `step ${batch * 100 + i + 1} of 400` })));
      await row(page, 402).waitFor({ timeout: LIVE_LINE_MS });
      const rendered = await page.locator('[data-testid="task-log-lines"] [data-seq]').count();
      expect(rendered).toBeLessThan(150);
      const seqsShown = await page.evaluate<number[]>(
        '[...document.querySelectorAll("[data-testid=task-log-lines] [data-seq]")].map((row) => Number(row.dataset.seq))',
      );
      expect(new Set(seqsShown).size).toBe(seqsShown.length);
      await expect(page.locator('[data-testid="task-log"] .panel__meta').textContent()).resolves.toBe('402 lines');

      // The reader scrolls up: new lines no longer pull the view down.
      await page.locator('[data-testid="task-log-lines"]').hover();
      await page.mouse.wheel(0, -100_000);
      await page.locator('[data-testid="task-log-lines"][data-following="false"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await append([{ text: 'a line below the fold' }]);
      await expect.poll(() => page.locator('[data-testid="task-log"] .panel__meta').textContent()).toBe('403 lines');
      await expect(row(page, 1).isVisible()).resolves.toBe(true);
      await expect(row(page, 403).count()).resolves.toBe(0);

      // "Follow" takes it back to the tail.
      await page.getByRole('button', { name: 'Follow' }).click();
      await row(page, 403).waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(page.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).resolves.toBe('true');
      await screenshot(page, 'task-log-live');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows the result and the attempt with its usage as soon as the agent completes',
    async () => {
      const task = await claimedTask('Finish with usage');
      await agent.tasks.appendLogs(task.id, { lines: [{ text: 'read before the page opened' }] }, { leaseToken: task.leaseToken });
      const { page, console } = await openDetail(task.id);
      await row(page, 1).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.locator('[data-testid="attempts"] [data-attempt="1"][data-outcome="running"]').waitFor({ timeout: UI_TIMEOUT_MS });

      await agent.tasks.complete(
        task.id,
        {
          // The result as the runner reports it (src/runner/attempt.ts).
          result: {
            summary: 'Fixed the flaky test',
            exitCode: 0,
            profile: 'claude',
            sessionId: 'session-42',
            branch: 'switchboard/TASK-1-1',
            commit: '0123456789abcdef',
            changedFiles: 2,
          },
          usage: {
            inputTokens: 1200,
            outputTokens: 340,
            cachedTokens: 800,
            costUsd: 0.0123,
            turns: 3,
            durationMs: 4500,
            sessionId: 'session-42',
            exitCode: 0,
          },
        },
        { leaseToken: task.leaseToken },
      );

      const result = page.locator('[data-testid="task-result"]');
      await result.waitFor({ timeout: LIVE_LINE_MS });
      await expect(result.locator('[data-field="summary"]').textContent()).resolves.toBe('Fixed the flaky test');
      await expect(result.locator('[data-field="exitCode"]').textContent()).resolves.toBe('0');
      await expect(result.locator('[data-field="branch"]').textContent()).resolves.toBe('switchboard/TASK-1-1');
      await expect(result.locator('[data-field="commit"]').textContent()).resolves.toBe('0123456789ab');
      await expect(result.locator('[data-field="changedFiles"]').textContent()).resolves.toBe('2');
      await expect(result.locator('[data-field="profile"]').textContent()).resolves.toBe('claude');
      // Every field the runner sends has its place: nothing is left over as JSON.
      await expect(result.locator('pre').count()).resolves.toBe(0);

      const attempt = page.locator('[data-testid="attempts"] [data-attempt="1"][data-outcome="completed"]');
      await attempt.waitFor({ timeout: LIVE_LINE_MS });
      const field = (name: string) => attempt.locator(`[data-field="${name}"]`).textContent();
      await expect(field('inputTokens')).resolves.toBe('1,200');
      await expect(field('outputTokens')).resolves.toBe('340');
      await expect(field('cachedTokens')).resolves.toBe('800');
      await expect(field('costUsd')).resolves.toBe('$0.0123');
      await expect(field('turns')).resolves.toBe('3');
      await expect(field('sessionId')).resolves.toBe('session-42');
      await attempt.scrollIntoViewIfNeeded();
      await screenshot(page, 'task-result-usage');
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "says the log was truncated once the server's cap is reached, and shows the server's note in the log",
    async () => {
      const task = await claimedTask('Talk too much');
      const { page, console } = await openDetail(task.id);
      // Under the body limit per request; the loop ends at the cap, whatever its size.
      const lines = Array.from({ length: 100 }, () => ({ text: 'x'.repeat(8_000) }));
      let truncated = false;
      for (let i = 0; !truncated && i < 20; i++)
        ({ truncated } = await agent.tasks.appendLogs(task.id, { lines }, { leaseToken: task.leaseToken }));
      expect(truncated).toBe(true);
      await page
        .locator('[data-testid="task-log-lines"] [data-stream="system"]', { hasText: 'log truncated' })
        .waitFor({ timeout: UI_TIMEOUT_MS });

      await agent.tasks.complete(task.id, { result: 'done' }, { leaseToken: task.leaseToken });
      await page.locator('[data-testid="log-truncated"]').waitFor({ timeout: UI_TIMEOUT_MS });
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
