import { DEFAULT_POLICY, retryDelayMs } from '../../src/core/policy.js';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempRepo, type TempRepo } from './git-repo.js';
import { startRunnerHarness, type RunnerHarness } from './runner-harness.js';

/** A command-profile agent that finishes at once, its result the task's id (and the agent's, from the argument). */
const INSTANT = 'echo "{\\"type\\":\\"result\\",\\"result\\":\\"$SWITCHBOARD_TASK_ID by $1\\"}"';

/** The runner's life on a real server: cancel, usage limits, several runners, --max-tasks, worktrees, the prompt's inputs. */
describe('switchboard run', () => {
  let t: RunnerHarness;
  beforeEach(async () => {
    t = await startRunnerHarness();
  });
  afterEach(() => t.close());

  it('cancelling a task on the server stops its child within 2 s', async () => {
    await t.register('bot');
    const runner = await t.start('bot', { profile: 'claude' });
    const task = await t.create('Think forever [scenario:stall]');
    const spawned = await runner.line(new RegExp(`^${task.id} \\[spawn\\] claude pid (\\d+)`), 'the child to start');
    const pid = Number(/pid (\d+)/.exec(spawned)?.[1]);
    await runner.line(new RegExp(`^${task.id} \\[session\\]`), 'the child to speak');
    const cancelledAt = Date.now();
    await t.admin.tasks.cancel(task.id, { reason: 'not needed' });
    await runner.line(new RegExp(`^${task.id} stopped \\(cancelled\\)`), 'the attempt to stop');
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await t.admin.tasks.get(task.id)).task.status).toBe('CANCELLED');
  });

  it('a usage limit requeues the task without spending an attempt and pauses the agent until the reset time', async () => {
    await t.register('bot');
    const runner = await t.start('bot', { profile: 'claude' });
    const task = await t.create('Big job [scenario:usage-limit]', { maxAttempts: 3 });
    const back = await t.ended(task.id);
    expect(back).toMatchObject({ status: 'PENDING', attempts: 0 });
    const requeued = t.events.items.filter((e) => e.taskId === task.id).at(-1);
    expect(requeued).toMatchObject({
      type: 'task.requeued',
      payload: { reason: 'released', note: expect.stringContaining('usage limit') },
    });
    await runner.line(/paused until/, 'the pause');
    await expect.poll(async () => (await t.admin.agents.get('bot')).agent.status, { timeout: 5_000 }).toBe('PAUSED');
  });

  it('after a usage limit without a reset time the agent rests for --cooldown, then works again', async () => {
    await t.register('bot');
    // Gemini's limit ("429 RESOURCE_EXHAUSTED") gives no time at all: the cool-down decides.
    const runner = await t.start('bot', { profile: 'gemini', cooldown: 1 });
    const task = await t.create('Big job [scenario:usage-limit]', { maxAttempts: 3 });
    await t.ended(task.id);
    // The limit is lifted (here: the task no longer asks for it); the next claim comes after the cool-down.
    await t.admin.tasks.update(task.id, { title: 'Big job [scenario:success]' });
    const done = await t.ended(task.id, ['task.completed']);
    expect(done).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    expect(runner.lines.items.some((l) => /released: usage limit/.test(l))).toBe(true);
  });

  it('a reset time given only in words ("try again in 2 hours 14 minutes") is when the agent resumes', async () => {
    await t.register('bot');
    const runner = await t.start('bot', { profile: 'codex', cooldown: 1 });
    const task = await t.create('Big job [scenario:usage-limit]', { maxAttempts: 3 });
    const before = Date.now();
    expect(await t.ended(task.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    const paused = await runner.line(/paused until (\S+)/, 'the pause');
    const until = Date.parse(/paused until (\S+?)(?: |$)/.exec(paused)![1]!);
    const expected = before + (2 * 60 + 14) * 60_000;
    expect(Math.abs(until - expected)).toBeLessThan(60_000);
  });

  it('two runners for two agents never run the same task', async () => {
    await t.register('alpha', 2);
    await t.register('beta', 2);
    await t.start('alpha', { profile: 'command', command: INSTANT, extraArgs: ['alpha'] });
    await t.start('beta', { profile: 'command', command: INSTANT, extraArgs: ['beta'] });
    const tasks = await Promise.all(Array.from({ length: 16 }, (_, i) => t.create(`Task ${i}`)));
    const ended = await Promise.all(tasks.map((task) => t.ended(task.id)));
    expect(ended.every((task) => task.status === 'COMPLETED')).toBe(true);
    for (const task of ended) {
      const started = t.events.items.filter((e) => e.taskId === task.id && e.type === 'task.started');
      expect(started).toHaveLength(1);
      expect((task.result as { summary: string }).summary).toBe(`${task.id} by ${started[0]!.agentId}`);
    }
  });

  it('a plain shell one-liner is an agent: exit 0 completes with its last line, a non-zero exit fails naming the code', async () => {
    await t.register('bot');
    await t.start('bot', {
      profile: 'command',
      command: 'echo "working on $SWITCHBOARD_TASK_ID"; test "$SWITCHBOARD_TASK_ID" != TASK-002',
    });
    const good = await t.create('Say hello');
    expect(await t.ended(good.id)).toMatchObject({ status: 'COMPLETED', result: { summary: `working on ${good.id}`, exitCode: 0 } });
    const bad = await t.create('Fail on purpose');
    expect(bad.id).toBe('TASK-002');
    expect(await t.ended(bad.id, ['task.failed'])).toMatchObject({ failureReason: expect.stringMatching(/exited with code 1/) });
  });

  it('--max-tasks N: exits after N tasks, the rest left for others', async () => {
    await t.register('bot');
    const runner = await t.start('bot', { profile: 'command', command: INSTANT, extraArgs: ['bot'] }, { maxTasks: 2 });
    const tasks = await Promise.all(['one', 'two', 'three'].map((title) => t.create(title)));
    expect(await runner.runner.done).toEqual({ tasks: 2 });
    const statuses = await Promise.all(tasks.map(async (task) => (await t.admin.tasks.get(task.id)).task.status));
    expect(statuses.sort()).toEqual(['COMPLETED', 'COMPLETED', 'PENDING']);
  });

  describe('--repo', () => {
    let repo: TempRepo;
    beforeEach(() => {
      repo = createTempRepo();
    });
    afterEach(() => repo.remove());

    it('each attempt in its own worktree on switchboard/<task>-<attempt>; the result names branch, commit and changed files', async () => {
      await t.register('bot');
      const write = 'pwd > where.txt; echo "{\\"type\\":\\"result\\",\\"result\\":\\"wrote\\"}"';
      await t.start('bot', { profile: 'command', command: write, repo: repo.dir });
      const task = await t.create('Write a file');
      const done = await t.ended(task.id);
      const branch = `switchboard/${task.id}-1`;
      expect(done.result).toMatchObject({ summary: 'wrote', exitCode: 0, branch, changedFiles: 1, commit: repo.git('rev-parse', branch) });
      const where = repo.git('show', `${branch}:where.txt`);
      expect(where).not.toBe(repo.dir);
      expect(existsSync(where)).toBe(false);
      expect(repo.git('status', '--porcelain')).toBe('');
    });
  });

  it('the prompt carries the dependencies’ results and why earlier attempts failed', async () => {
    // Two agents: the one that failed an attempt is not given the task again.
    await t.register('alpha');
    await t.register('beta');
    // Answers with its own prompt, except on a first attempt at a task not labelled "answer", which fails.
    const agent = [
      'case "$SWITCHBOARD_PROMPT $SWITCHBOARD_TASK_JSON" in',
      '*"Earlier attempts failed"*|*\'"labels":["answer"]\'*) node -e \'console.log(JSON.stringify({type:"result",result:process.env.SWITCHBOARD_PROMPT}))\';;',
      '*) echo \'{"type":"result","ok":false,"reason":"first try always fails"}\';;',
      'esac',
    ].join('\n');
    await t.start(['alpha', 'beta'], { profile: 'command', command: agent });
    const dependency = await t.create('Find the bug', { labels: ['answer'] });
    await t.ended(dependency.id, ['task.completed']);
    const task = await t.create('Fix the bug', { maxAttempts: 2, dependsOn: [dependency.id] });
    await t.ended(task.id, ['task.failed']);
    // The retry waits out its backoff on the server's clock.
    t.h.clock.advance(retryDelayMs(DEFAULT_POLICY, 1));
    const done = await t.ended(task.id, ['task.completed']);
    const prompt = (done.result as { summary: string }).summary;
    expect(prompt).toContain(`- ${dependency.id} Find the bug: You are an autonomous coding agent working on task ${dependency.id}`);
    expect(prompt).toContain('This is attempt 2. Earlier attempts failed; do not repeat their mistakes:\n- first try always fails');
  });

  it('claim-to-child-start latency over 20 tasks', async () => {
    await t.register('bot');
    const runner = await t.start('bot', { profile: 'command', command: INSTANT, extraArgs: ['bot'] });
    const tasks = [];
    for (let i = 0; i < 20; i++) {
      const task = await t.create(`Quick ${i}`);
      await t.ended(task.id);
      tasks.push(task);
    }
    const latencies = runner.lines.items.flatMap((l) => {
      const match = /\[spawn\] .* (\d+) ms after the claim/.exec(l);
      return match ? [Number(match[1])] : [];
    });
    expect(latencies).toHaveLength(20);
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = (sorted[9]! + sorted[10]!) / 2;
    console.info(`claim-to-child-start latency over 20 tasks: median ${median} ms, max ${sorted[19]} ms`);
    expect(median).toBeLessThan(1_000);
  });
});
