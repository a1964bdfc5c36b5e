import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type SwitchboardClient } from '../../src/sdk/index.js';
import { describeBrowser, firstStartToken, ROOT, screenshot, serverAndBrowser, waitForLive, watchConsole } from './support.js';

const UI_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 120_000;
const HUMAN_ID = 'ana';
const README_SCREENSHOTS = process.env['SWITCHBOARD_UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'screenshots') : undefined;
/** Every column open, so a card that reaches Completed or Failed is on the page to be seen. */
const ALL_COLUMNS_OPEN = JSON.stringify(
  Object.fromEntries(['BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'].map((s) => [s, false])),
);

describeBrowser('My work: a human agent at work, watched on the board (browser)', () => {
  const running = serverAndBrowser();
  const contexts: BrowserContext[] = [];
  let admin: SwitchboardClient;
  let humanToken: string;

  beforeAll(async () => {
    admin = createClient({ url: running.server.baseUrl, token: firstStartToken(running.server.output()) });
    await admin.agents.register({ id: HUMAN_ID, name: 'Ana Reviewer', kind: 'human', capabilities: ['review'], maxConcurrentTasks: 2 });
    humanToken = (await admin.tokens.create({ label: 'Ana', role: 'agent', agentId: HUMAN_ID })).secret;
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  async function open(path: string, init?: string): Promise<{ page: Page; console: ReturnType<typeof watchConsole> }> {
    const context = await running.browser.newContext({ baseURL: running.server.baseUrl, viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    if (init !== undefined) await context.addInitScript(init);
    const page = await context.newPage();
    const console = watchConsole(page);
    await page.goto(path);
    return { page, console };
  }

  it(
    'signs in with its token, claims, starts an offer, reports progress and a note, completes, releases and fails; the board follows without reload',
    async () => {
      const first = (await admin.tasks.create({ title: 'Review the login change', priority: 'P1', requiredCapabilities: ['review'] })).task;
      const { page: board } = await open('/board', `localStorage.setItem('switchboard.board.columns', '${ALL_COLUMNS_OPEN}')`);
      await waitForLive(board);
      const onBoard = (status: string, id: string) =>
        board.locator(`[data-column="${status}"] [data-task-id="${id}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      await onBoard('PENDING', first.id);

      // Signing in: the token alone; the server says whose it is (whoami) before anything is kept.
      const { page: human, console } = await open('/my-work');
      await human.getByRole('button', { name: 'Sign in', exact: true }).first().click();
      const prompt = human.getByRole('dialog', { name: 'Sign in' });
      await expect(prompt.getByLabel('Agent id').count()).resolves.toBe(0);
      await prompt.getByLabel('Token').fill('sbt_not-a-token');
      await prompt.getByRole('button', { name: 'Use token' }).click();
      await prompt.getByRole('alert').waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(human.evaluate<string | null>("localStorage.getItem('switchboard.token')")).resolves.toBeNull();
      await prompt.getByLabel('Token').fill(humanToken);
      await prompt.getByRole('button', { name: 'Use token' }).click();
      await human.getByRole('heading', { name: 'My work' }).waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(human.getByRole('link', { name: 'My work' }).first().isVisible()).resolves.toBe(true);
      await expect(human.getByTestId('sign-in').textContent()).resolves.toBe(HUMAN_ID);
      await expect(human.evaluate<string | null>("localStorage.getItem('switchboard.agent')")).resolves.toBe(HUMAN_ID);
      await waitForLive(human);

      // Claim: the server assigns and starts the best task Ana can take.
      await human.getByRole('button', { name: 'Claim next task' }).click();
      const card = (id: string) => human.locator(`.work-card[data-task-id="${id}"]`);
      await human.locator(`[data-testid="my-work-running"] [data-task-id="${first.id}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      await onBoard('IN_PROGRESS', first.id);

      // Progress, with the keyboard on the slider (step 5), then reported.
      const slider = card(first.id).getByLabel('Progress', { exact: true });
      await slider.focus();
      for (let i = 0; i < 12; i++) await slider.press('ArrowRight');
      await card(first.id).getByRole('button', { name: 'Report progress' }).click();
      await board
        .locator(`[data-column="IN_PROGRESS"] [data-task-id="${first.id}"] [role="progressbar"][aria-valuenow="60"]`)
        .waitFor({ timeout: UI_TIMEOUT_MS });

      await card(first.id).getByLabel('Note').fill('The session handling looks right');
      await card(first.id).getByRole('button', { name: 'Add note' }).click();
      await human.getByText(`${first.id} note added`).waitFor({ timeout: UI_TIMEOUT_MS });
      const { lines } = await admin.tasks.logs(first.id);
      expect(lines.map((l) => [l.stream, l.text])).toEqual([['stdout', 'The session handling looks right']]);

      // An offer made by the operator shows up live; Accept starts it.
      const second = (await admin.tasks.create({ title: 'Check the release notes', priority: 'P2', requiredCapabilities: ['review'] }))
        .task;
      await admin.tasks.assign(second.id, { agentId: HUMAN_ID });
      await human.locator(`[data-testid="my-work-offered"] [data-task-id="${second.id}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
      await onBoard('ASSIGNED', second.id);
      if (README_SCREENSHOTS !== undefined) await screenshot(human, 'my-work', README_SCREENSHOTS);
      await screenshot(human, 'my-work');
      // On a phone the cards stack and nothing scrolls sideways.
      await human.setViewportSize({ width: 390, height: 844 });
      await expect(human.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
      await screenshot(human, 'my-work-390');
      await human.setViewportSize({ width: 1400, height: 900 });
      await card(second.id).getByRole('button', { name: 'Accept and start' }).click();
      await onBoard('IN_PROGRESS', second.id);

      // Complete with a link as the result.
      await card(first.id).getByRole('button', { name: 'Complete' }).click();
      const done = human.getByRole('dialog', { name: `Complete ${first.id}` });
      await done.getByLabel('Result').fill('https://example.com/review/42');
      await done.getByRole('button', { name: 'Complete task' }).click();
      await onBoard('COMPLETED', first.id);
      await expect(admin.tasks.get(first.id).then((r) => r.task.result)).resolves.toEqual({
        summary: 'https://example.com/review/42',
        url: 'https://example.com/review/42',
      });

      // Release gives it back; claimed again, it fails, with the reason required.
      await card(second.id).getByRole('button', { name: 'Release' }).click();
      await human
        .getByRole('dialog', { name: `Release ${second.id}` })
        .getByRole('button', { name: 'Release task' })
        .click();
      await onBoard('PENDING', second.id);
      await human.getByRole('button', { name: 'Claim next task' }).click();
      await card(second.id).getByRole('button', { name: 'Fail' }).click();
      const failing = human.getByRole('dialog', { name: `Fail ${second.id}` });
      await failing.getByRole('button', { name: 'Fail task' }).click();
      await failing.getByText('Reason is required').waitFor({ timeout: UI_TIMEOUT_MS });
      await failing.getByLabel('Reason').fill('The notes are for another release');
      await failing.getByRole('button', { name: 'Fail task' }).click();
      await onBoard('FAILED', second.id);
      await expect(admin.tasks.get(second.id).then((r) => r.task.failureReason)).resolves.toBe('The notes are for another release');
      await human.getByText('Nothing running. Claim a task to start.').waitFor({ timeout: UI_TIMEOUT_MS });
      // The bad token's 401 is the browser's own resource error, provoked on purpose.
      expect(console.problems([/401/, /Failed to load resource/])).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "an operator's and an AI agent's tokens sign in without My work; a token whose agent was removed is refused in the prompt",
    async () => {
      await admin.agents.register({ id: 'bot-1', name: 'Bot', kind: 'ai' });
      await admin.agents.register({ id: 'gone', name: 'Gone', kind: 'human' });
      const secrets = {
        operator: (await admin.tokens.create({ label: 'ops', role: 'operator' })).secret,
        ai: (await admin.tokens.create({ label: 'bot', role: 'agent', agentId: 'bot-1' })).secret,
        gone: (await admin.tokens.create({ label: 'gone', role: 'agent', agentId: 'gone' })).secret,
      };
      await admin.agents.remove('gone');
      const { page, console } = await open('/');
      const signIn = async (secret: string) => {
        await page.getByTestId('sign-in').click();
        const prompt = page.getByRole('dialog', { name: 'Sign in' });
        await prompt.getByLabel('Token').fill(secret);
        await prompt.getByRole('button', { name: 'Use token' }).click();
        return prompt;
      };
      for (const secret of [secrets.operator, secrets.ai]) {
        await (await signIn(secret)).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
        await expect(page.evaluate<string | null>("localStorage.getItem('switchboard.token')")).resolves.toBe(secret);
        await expect(page.evaluate<string | null>("localStorage.getItem('switchboard.agent')")).resolves.toBeNull();
        await expect(page.getByTestId('sign-in').textContent()).resolves.toBe('Sign in');
        await expect(page.getByRole('link', { name: 'My work' }).count()).resolves.toBe(0);
      }
      const refused = await signIn(secrets.gone);
      await refused.getByText('This token is bound to agent gone, which has been removed').waitFor({ timeout: UI_TIMEOUT_MS });
      await expect(page.evaluate<string | null>("localStorage.getItem('switchboard.token')")).resolves.toBe(secrets.ai);
      expect(console.problems()).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
