import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { agentToken } from '../support/api-harness.js';
import { ROOT } from '../support/server-process.js';
import { Inbox } from '../sdk/inbox.js';
import { fakeEnvironment } from './fakes.js';
import { startRunnerHarness, type RunnerHarness } from './runner-harness.js';

/** `switchboard run` as a process, as an operator starts it: its lines collected, its exit awaited. */
interface RunnerProcess {
  child: ChildProcess;
  lines: Inbox<string>;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  line(pattern: RegExp, what: string): Promise<string>;
}

const spawned: RunnerProcess[] = [];
/** Agent CLIs a SIGKILLed runner left behind (nothing else can stop them), by process group. */
const orphans: number[] = [];

function switchboardRun(args: string[], env: Record<string, string> = {}): RunnerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', ...args], {
    cwd: ROOT,
    env: { ...fakeEnvironment(env), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = new Inbox<string>();
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) lines.push(part);
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const runner: RunnerProcess = {
    child,
    lines,
    stderr: () => stderr,
    exited,
    async line(pattern, what) {
      const found = await lines.until((items) => items.some((l) => pattern.test(l)), `${what}; stderr: ${stderr}`);
      return found.find((l) => pattern.test(l))!;
    },
  };
  spawned.push(runner);
  return runner;
}

/** Signals and exit codes of the real command: drain on SIGTERM, nothing lost on SIGKILL, refusals before any claim. */
describe('switchboard run as a process', () => {
  let t: RunnerHarness;
  beforeEach(async () => {
    t = await startRunnerHarness();
    await t.register('bot');
  });
  afterEach(async () => {
    for (const r of spawned.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    for (const group of orphans.splice(0)) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await t.close();
  });

  const connection = (agentId = 'bot') => ['--url', t.h.url, '--token', agentToken(agentId)];

  it('SIGTERM drains: an attempt that outlives --drain-timeout is stopped and its task released, the attempt not spent', async () => {
    const runner = switchboardRun([...connection(), '--agent', 'bot', '--profile', 'claude', '--drain-timeout', '0.5']);
    const task = await t.create('Think forever [scenario:stall]', { maxAttempts: 3 });
    await runner.line(new RegExp(`^${task.id} \\[session\\]`), 'the child to speak');
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    expect((await t.admin.tasks.get(task.id)).task).toMatchObject({ status: 'PENDING', attempts: 0 });
    const requeued = t.events.items.filter((e) => e.taskId === task.id).at(-1);
    expect(requeued).toMatchObject({ type: 'task.requeued', payload: { reason: 'released' } });
    expect(runner.lines.items).toContain(`${task.id} stopped (stopping)`);
  });

  it('SIGTERM drains: an attempt that ends within --drain-timeout completes, then the runner exits 0', async () => {
    const command = 'sleep 1; echo \'{"type":"result","result":"finished in time"}\'';
    const runner = switchboardRun([
      ...connection(),
      '--agent',
      'bot',
      '--profile',
      'command',
      '--command',
      command,
      '--drain-timeout',
      '20',
    ]);
    const task = await t.create('Short job');
    await runner.line(new RegExp(`^${task.id} \\[spawn\\]`), 'the child to start');
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    expect((await t.admin.tasks.get(task.id)).task).toMatchObject({ status: 'COMPLETED', result: { summary: 'finished in time' } });
  });

  it('SIGKILL loses no task: the lease lapses, the task comes back and another runner finishes it', async () => {
    const killed = switchboardRun([...connection(), '--agent', 'bot', '--profile', 'claude'], { FAKE_AGENT_SCENARIO: 'stall' });
    const task = await t.create('Survive a crash', { maxAttempts: 3 });
    const spawnLine = await killed.line(new RegExp(`^${task.id} \\[spawn\\] claude pid (\\d+)`), 'the child to start');
    orphans.push(Number(/pid (\d+)/.exec(spawnLine)?.[1]));
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect((await t.admin.tasks.get(task.id)).task.status).toBe('IN_PROGRESS');
    // Nobody renews the lease any more: once it lapses on the server's clock the task is back in the queue.
    t.h.clock.advance(DEFAULT_POLICY.leaseMs + 1_000);
    await t.ended(task.id, ['task.requeued']);
    const survivor = switchboardRun([...connection(), '--agent', 'bot', '--profile', 'claude', '--max-tasks', '1']);
    expect(await survivor.exited).toEqual({ code: 0, signal: null });
    expect((await t.admin.tasks.get(task.id)).task).toMatchObject({ status: 'COMPLETED', result: { profile: 'claude' } });
  });

  it('--config: several agents in one process, each with its own token and settings', async () => {
    await t.register('alpha');
    await t.register('beta');
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
    try {
      const answer = (name: string) => `echo "{\\"type\\":\\"result\\",\\"result\\":\\"${name}\\"}"`;
      const config = {
        agents: [
          { id: 'alpha', token: agentToken('alpha'), command: answer('alpha') },
          { id: 'beta', token: agentToken('beta'), command: answer('beta') },
        ],
      };
      writeFileSync(join(dir, 'runner.json'), JSON.stringify(config));
      const tasks = await Promise.all(['one', 'two', 'three', 'four'].map((title) => t.create(title)));
      const runner = switchboardRun(['--url', t.h.url, '--config', join(dir, 'runner.json'), '--profile', 'command', '--max-tasks', '4']);
      expect(await runner.exited).toEqual({ code: 0, signal: null });
      for (const task of tasks) {
        const done = (await t.admin.tasks.get(task.id)).task;
        expect(done.status).toBe('COMPLETED');
        expect((done.result as { summary: string }).summary).toBe(done.agent);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flags a profile cannot honour, a CLI missing from PATH and a token that may not act as the agent are refused at start', async () => {
    const unsupported = switchboardRun([...connection(), '--agent', 'bot', '--profile', 'codex', '--max-budget-usd', '2']);
    expect(await unsupported.exited).toEqual({ code: 2, signal: null });
    expect(unsupported.stderr()).toContain('The codex profile does not support --max-budget-usd');
    const badNumber = switchboardRun([...connection(), '--agent', 'bot', '--profile', 'claude', '--timeout', 'soon']);
    expect(await badNumber.exited).toEqual({ code: 2, signal: null });
    expect(badNumber.stderr()).toContain("option '--timeout <s>' argument 'soon' is invalid. expected a positive number");
    const missing = switchboardRun([...connection(), '--agent', 'bot', '--profile', 'claude'], { PATH: '/usr/bin:/bin' });
    expect(await missing.exited).toEqual({ code: 1, signal: null });
    expect(missing.stderr()).toContain("claude (the claude profile's CLI) is not on PATH");
    const otherToken = switchboardRun(['--url', t.h.url, '--token', agentToken('someone-else'), '--agent', 'bot', '--profile', 'claude']);
    expect(await otherToken.exited).toEqual({ code: 4, signal: null });
    expect(otherToken.stderr()).toMatch(/^error: .* \(FORBIDDEN\)\n$/);
  });
});
