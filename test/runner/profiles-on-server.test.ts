import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LONG_OUTPUT_LINES } from '../fixtures/fake-agent.mjs';
import { startRunnerHarness, type RunnerHarness } from './runner-harness.js';

const AGENT_CLIS = ['claude', 'codex', 'gemini', 'copilot'] as const;

/** Each agent CLI's profile against its fake, through the whole runner, on a real server: success and every failure mode. */
describe.each(AGENT_CLIS)('switchboard run --profile %s', (profile) => {
  let t: RunnerHarness;
  beforeEach(async () => {
    t = await startRunnerHarness();
    await t.register('bot');
  });
  afterEach(() => t.close());

  /** Runs one task with the scenario under the given settings and returns the task once it ended. */
  async function runScenario(scenario: string, settings: Record<string, unknown> = {}) {
    const runner = await t.start('bot', { profile, ...settings }, { maxTasks: 1 });
    const task = await t.create(`Fix the flaky test [scenario:${scenario}]`);
    const ended = await t.ended(task.id);
    await runner.runner.done;
    return { task: ended, runner };
  }

  const lastEvent = (taskId: string) => t.events.items.filter((e) => e.taskId === taskId).at(-1);

  it('success: completed with the summary, exit code, profile and session in the result, usage on the event, the log on the server', async () => {
    const { task } = await runScenario('success');
    expect(task.status).toBe('COMPLETED');
    expect(task.result).toMatchObject({
      summary: 'Done: the change is in and tests pass.',
      exitCode: 0,
      profile,
      sessionId: expect.any(String),
    });
    const completed = lastEvent(task.id);
    expect(completed?.type).toBe('task.completed');
    expect(completed?.payload).toMatchObject({ usage: { profile, exitCode: 0, durationMs: expect.any(Number) } });
    if (profile === 'claude') expect(completed?.payload).toMatchObject({ usage: { costUsd: 0.0421, inputTokens: 1200 } });
    const { lines } = await t.admin.tasks.logs(task.id, { limit: 1000 });
    const texts = lines.map((l) => l.text);
    expect(texts).toContain('Done: the change is in and tests pass.');
    expect(texts.some((text) => text.startsWith('[spawn] '))).toBe(true);
    expect(lines.every((l) => l.attempt === 1)).toBe(true);
  });

  it('error result: failed with the CLI’s reason and exit code', async () => {
    const { task } = await runScenario('error');
    expect(task.status).toBe('FAILED');
    expect(task.failureReason).toMatch(/exited with code 1/);
  });

  it('crash mid-stream: failed, ended without a result', async () => {
    const { task } = await runScenario('crash');
    expect(task.failureReason).toMatch(/^ended without a result \(exited with code 1/);
  });

  it('stall guard: a silent CLI is stopped and the reason names the guard', async () => {
    const { task } = await runScenario('stall', { stallTimeout: 0.5 });
    expect(task.failureReason).toBe('guard stall stopped the agent: no output for 0.5 s');
  });

  it('timeout guard: an attempt past --timeout is stopped', async () => {
    const { task } = await runScenario('stall', { timeout: 0.5 });
    expect(task.failureReason).toBe('guard timeout stopped the agent: ran longer than 0.5 s');
  });

  it('ignoring SIGTERM: the guard’s SIGTERM is not the end, the SIGKILL after the grace period is', async () => {
    const { task, runner } = await runScenario('ignore-sigterm', { stallTimeout: 0.5 });
    expect(task.failureReason).toMatch(/^guard stall stopped the agent/);
    expect(runner.lines.items).toContain(`${task.id} ignoring SIGTERM`);
  });

  it(`very long output: all ${LONG_OUTPUT_LINES} lines reach the log and it completes`, async () => {
    const { task } = await runScenario('long-output');
    expect(task.status).toBe('COMPLETED');
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await t.admin.tasks.logs(task.id, { after, limit: 1000 });
      count += page.lines.filter((l) => /^(line \d+|\[tool\] .*)$/.test(l.text.trim())).length;
      after = page.lastSeq;
      if (!page.hasMore) break;
    }
    // Gemini streams each line as its own chunk; the others as one message each.
    expect(count).toBeGreaterThanOrEqual(LONG_OUTPUT_LINES);
  });

  if (profile === 'claude') {
    it('cost guard: a reported cost past --max-cost-usd fails the attempt', async () => {
      const { task } = await runScenario('long-output', { maxCostUsd: 0.1 });
      expect(task.failureReason).toBe('guard max-cost stopped the agent: cost $0.5000, over the limit of $0.1');
    });
  }
});
